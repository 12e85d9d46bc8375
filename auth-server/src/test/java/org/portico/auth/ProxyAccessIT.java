package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.proxy.ProxyConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Proxy access (issue 9, ADR 0019) through real launches: a family (a parent with children aged 8 and 15,
 * an adult with a caregiver), made fresh for each test with birth dates relative to the injected clock;
 * the picker, the tokens' {@code portico_patients} and {@code portico_sensitive}, read-only proxies, the
 * patient's sensitive-data boxes, revocation by the patient, and birthdays passing with the clock moved.
 */
class ProxyAccessIT extends AccountITSupport {

    static final String PASSWORD = "a long enough password for proxy tests";
    static final String WRITER = "it-writer";
    static final String WRITER_REDIRECT = "https://writer.example.org/callback";
    static final String SCOPE = "openid fhirUser launch/patient offline_access patient/*.cruds";
    static final String ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode|";
    static final String SUD = ACT + "SUD";
    static final String ETH = ACT + "ETH";
    static final String SEX = ACT + "SEX";
    static final String PSY = ACT + "PSY";
    static final String HIV = ACT + "HIV";
    static final String RESTRICTED = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R";

    @TestConfiguration
    static class Fixtures {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @Autowired
    MutableClock clock;

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    ProxyConfig.Sweep sweep;

    @BeforeEach
    void now() {
        clock.set(Instant.now());
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** An account with an email (notices go there) linked to its own Patient. */
    UserAccount account(String role, String tag) {
        String name = role + "-" + tag;
        return users.createProofed(name, encoder.encode(PASSWORD), "pt-" + name, cap(role) + " " + tag, name + "@family.example.org",
                null, "en", new UserAccounts.Proofing("invitation", "IAL2", clock.millis())).orElseThrow();
    }

    static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A Patient on the stub fhir-server with this birth date and state. */
    static void record(String id, String given, LocalDate birthDate, String state) {
        Map<String, Object> patient = new LinkedHashMap<>();
        patient.put("resourceType", "Patient");
        patient.put("id", id);
        patient.put("name", List.of(Map.of("use", "official", "family", "Family", "given", List.of(given))));
        patient.put("birthDate", birthDate.toString());
        patient.put("address", List.of(Map.of("use", "home", "city", "Somewhere", "state", state)));
        FhirStub.PATIENTS.put(id, patient);
    }

    /** Staff record guardian access with the legal document's reference; returns the API's JSON. */
    Map<String, Object> guardian(UserAccount parent, String patientId) {
        HttpResponse<String> response = staffApi("POST", "/staff/api/patients/" + patientId + "/proxies?proxy=" + parent.username()
                + "&document_reference=birth-certificate-" + patientId);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return SmartTestClient.json(response.body());
    }

    record Family(String tag, UserAccount parent, String child8, String teen15, UserAccount teen) {}

    /** A parent with an 8-year-old and a 15-year-old (who has an account), in a state, by staff with documents. */
    Family family(String state) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount parent = account("parent", tag);
        String child8 = "pt-child8-" + tag;
        record(child8, "Eight" + tag, today().minusYears(8).minusDays(40), state);
        UserAccount teen = account("teen", tag);
        record(teen.patientId(), "Fifteen" + tag, today().minusYears(15).minusDays(40), state);
        assertThat(guardian(parent, child8)).containsEntry("age_phase", "child").containsEntry("rule_id", "US-" + state);
        assertThat(guardian(parent, teen.patientId())).containsEntry("age_phase", "adolescent");
        return new Family(tag, parent, child8, teen.patientId(), teen);
    }

    SmartTestClient signedIn(UserAccount user) {
        SmartTestClient b = new SmartTestClient(port);
        HttpResponse<String> login = b.login(user.username(), PASSWORD);
        assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        return b;
    }

    /** Starts a launch and returns the first page: the picker, or the consent page. */
    Page start(SmartTestClient b, String scope, String state, SmartTestClient.Pkce pkce) {
        browser = b;
        return follow(b.get(b.authorizeUri(authorizeParams(WRITER, WRITER_REDIRECT, scope, state, pkce))));
    }

    /** From the picker (if any) to the consent page for {@code patient}. */
    Page consentFor(Page first, String patient) {
        Element picker = first.doc().selectFirst("form#patient-picker");
        if (picker == null) {
            return first;
        }
        Map<String, List<String>> fields = formFields(picker);
        fields.put("patient", List.of(patient));
        return follow(submit(picker, fields));
    }

    /** Approves the consent page as it is, plus {@code sensitive} class boxes; returns the redirect. */
    URI approve(Page consent, String... sensitive) {
        Element form = consent.doc().selectFirst("form#consent-form");
        Map<String, List<String>> fields = formFields(form);
        if (sensitive.length > 0) {
            fields.put("sensitive_class", new ArrayList<>(List.of(sensitive)));
        }
        return redirectOf(browser.postForm(URI.create(form.attr("action")), fields, Map.of()));
    }

    Map<String, Object> exchange(URI back, SmartTestClient.Pkce pkce) {
        return tokenJson(browser.postForm(URI.create("/oauth2/token"), form("grant_type", "authorization_code",
                "code", queryOf(back).get("code"), "redirect_uri", WRITER_REDIRECT, "client_id", WRITER,
                "code_verifier", pkce.verifier()), Map.of()));
    }

    HttpResponse<String> refresh(SmartTestClient b, String refreshToken) {
        return b.postForm(URI.create("/oauth2/token"), form("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", WRITER), Map.of());
    }

    /** A whole launch for one patient; returns the token response. */
    Map<String, Object> launch(SmartTestClient b, String scope, String patient, String... sensitive) {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page consent = consentFor(start(b, scope, "s-" + UUID.randomUUID(), pkce), patient);
        return exchange(approve(consent, sensitive), pkce);
    }

    static JWTClaimsSet claims(Map<String, Object> token) throws Exception {
        return SignedJWT.parse((String) token.get("access_token")).getJWTClaimsSet();
    }

    static List<String> sensitive(Map<String, Object> token) throws Exception {
        List<String> labels = claims(token).getStringListClaim("portico_sensitive");
        return labels == null ? List.of() : labels;
    }

    static String grantOf(Map<String, Object> token) throws Exception {
        return claims(token).getStringClaim("portico_grant");
    }

    List<String> revokedGrants() {
        HttpResponse<String> feed = new SmartTestClient(port).get(URI.create("/portico/revocations?since=0"));
        assertThat(feed.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> revoked = (List<Map<String, Object>>) SmartTestClient.json(feed.body()).get("revoked");
        return revoked.stream().map(r -> (String) r.get("grant")).toList();
    }

    /** Waits (delivery is asynchronous) for a message to {@code to} whose subject contains {@code subject}. */
    static MimeMessage mail(String to, String subject) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (MimeMessage m : TestMail.to(to)) {
                if (m.getSubject().contains(subject)) {
                    return m;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no mail to " + to + " with subject containing " + subject);
    }

    /** Waits (the mirror writes in the background) for the latest PUT of {@code path} that satisfies {@code test}. */
    static FhirStub.Write written(String path, java.util.function.Predicate<Map<String, Object>> test) throws Exception {
        for (int i = 0; i < 100; i++) {
            List<FhirStub.Write> writes = FhirStub.WRITES.stream().filter(w -> w.path().equals(path)).toList();
            if (!writes.isEmpty() && test.test(writes.get(writes.size() - 1).resource())) {
                return writes.get(writes.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no PUT of " + path + " as expected; writes: " + FhirStub.WRITES);
    }

    static List<String> pickerChoices(Page page) {
        Element picker = page.doc().selectFirst("form#patient-picker");
        assertThat(picker).as("a patient picker").isNotNull();
        return picker.select("input[type=radio][name=patient]").eachAttr("value");
    }

    static String labelOf(Page page, String patient) {
        Element radio = page.doc().selectFirst("form#patient-picker input[value=" + patient + "]");
        return page.doc().selectFirst("label[for=" + radio.id() + "]").text();
    }

    @Test
    void whenTheParentLaunchesThenThePickerShowsExactlyTheFamilyAndTheTeenTokenLeavesOutTheConfidentialClasses() throws Exception {
        Family f = family("TX");
        SmartTestClient parent = signedIn(f.parent());
        Page picker = start(parent, SCOPE, "fam-1", SmartTestClient.Pkce.create());
        assertThat(pickerChoices(picker)).containsExactly(f.parent().patientId(), f.child8(), f.teen15());
        assertThat(labelOf(picker, f.child8())).contains("Eight" + f.tag()).contains("full access");
        assertThat(labelOf(picker, f.teen15())).contains("full access");

        // the 8-year-old: the guardian's classes, no boxes for the parent to tick, on whose behalf said
        Page consent = consentFor(picker, f.child8());
        assertThat(consent.doc().select("#sensitive-classes")).isEmpty();
        assertThat(consent.doc().selectFirst("#consent-on-behalf").text()).contains("Eight" + f.tag());
        Map<String, Object> child = launch(parent, SCOPE, f.child8());
        assertThat(child).containsEntry("patient", f.child8());
        assertThat(claims(child).getStringClaim("fhirUser")).endsWith("/Patient/" + f.parent().patientId());
        assertThat(sensitive(child)).contains(SUD, ETH, SEX, PSY, HIV);

        // the 15-year-old in Texas: substance use and sexual health are confidential from 13 (the shipped, illustrative rule)
        Map<String, Object> teen = launch(parent, SCOPE, f.teen15());
        assertThat(teen).containsEntry("patient", f.teen15());
        assertThat(sensitive(teen)).doesNotContain(SUD, ETH, SEX, ACT + "STD").contains(PSY, HIV);
    }

    @Test
    void whenTheStatesDifferThenTheSameFamilyGetsDifferentTeenTokens() throws Exception {
        Family california = family("CA");
        Map<String, Object> teen = launch(signedIn(california.parent()), SCOPE, california.teen15());
        // California (as shipped) makes every class confidential for the parent of a 15-year-old
        assertThat(sensitive(teen)).isEmpty();
        Map<String, Object> child = launch(signedIn(california.parent()), SCOPE, california.child8());
        assertThat(sensitive(child)).contains(SUD, PSY, HIV);
    }

    @Test
    void whenUserScopesAreGrantedThenPorticoPatientsListsTheFamilyAndTheLabelsHoldForAll() throws Exception {
        Family f = family("TX");
        SmartTestClient parent = signedIn(f.parent());
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        browser = parent;
        Page consent = follow(parent.get(parent.authorizeUri(authorizeParams(WRITER, WRITER_REDIRECT, "openid fhirUser user/*.rs",
                "user-1", pkce))));
        // no patient in context: the user's own record, so the boxes are theirs
        assertThat(consent.doc().select("#sensitive-classes input[name=sensitive_class]")).isNotEmpty();
        assertThat(consent.doc().select("#sensitive-classes input[checked]")).isEmpty();
        Map<String, Object> token = exchange(approve(consent, "PSY", "SUD"), pkce);
        assertThat(claims(token).getStringListClaim("portico_patients"))
                .containsExactly(f.parent().patientId(), f.child8(), f.teen15());
        // PSY: the parent chose it for themself, the guardian sees it for both children; SUD is the teen's to keep
        assertThat(sensitive(token)).contains(PSY).doesNotContain(SUD);
        // the confidentiality mark the fhir-server's labeller puts with every sensitivity label goes with the choice
        assertThat(sensitive(token)).contains(RESTRICTED);
        assertThat(claims(token).getClaim("patient")).isNull();
    }

    @Test
    void whenTheAdultGrantsACaregiverReadOnlyThenTheCaregiverGetsNoWriteScopesAndNoSensitiveData() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount adult = account("adult", tag);
        UserAccount carer = account("carer", tag);
        browser = signedIn(adult);
        HttpResponse<String> granted = submit("/account/proxies", "grant-proxy-form", "person", carer.username(), "level", "read-only");
        Page page = follow(granted);
        assertThat(page.doc().selectFirst("#proxies-message").attr("data-message")).isEqualTo("proxies.grant.done");
        assertThat(page.doc().select("#proxies tbody tr")).hasSize(1);
        assertThat(page.doc().selectFirst("#proxies tbody tr").text()).contains("Carer " + tag).contains("Read only");
        mail(carer.email(), "someone else");

        // the adult themself: write scopes and the sensitive classes they choose
        Map<String, Object> own = launch(signedIn(adult), SCOPE, adult.patientId(), "PSY");
        assertThat((String) own.get("scope")).contains("patient/*.cruds");
        assertThat(sensitive(own)).contains(PSY, ACT + "BH").doesNotContain(SUD);

        SmartTestClient caregiver = signedIn(carer);
        Page picker = start(caregiver, SCOPE, "care-1", SmartTestClient.Pkce.create());
        assertThat(pickerChoices(picker)).containsExactly(carer.patientId(), adult.patientId());
        assertThat(labelOf(picker, adult.patientId())).contains("read-only");
        Page consent = consentFor(picker, adult.patientId());
        assertThat(consent.doc().select("#read-only-notice")).hasSize(1);
        assertThat(consent.doc().select("#sensitive-classes")).isEmpty();
        Map<String, Object> token = launch(caregiver, SCOPE, adult.patientId());
        assertThat(token).containsEntry("patient", adult.patientId());
        assertThat(((String) token.get("scope")).split(" ")).contains("patient/*.rs").doesNotContain("patient/*.cruds");
        assertThat(sensitive(token)).isEmpty();
    }

    @Test
    void whenAProxyTicksASensitiveBoxByTamperingThenInvalidRequestAndNoCode() {
        Family f = family("TX");
        SmartTestClient parent = signedIn(f.parent());
        Page consent = consentFor(start(parent, SCOPE, "tamper-1", SmartTestClient.Pkce.create()), f.child8());
        assertThat(consent.doc().select("input[name=sensitive_class]")).isEmpty();
        URI back = approve(consent, "SUD");
        assertThat(back.toString()).startsWith(WRITER_REDIRECT + "?");
        assertThat(queryOf(back)).containsEntry("error", "invalid_request").containsEntry("state", "tamper-1").doesNotContainKey("code");
    }

    @Test
    void whenThePatientTicksAnUnknownClassThenInvalidRequest() {
        Family f = family("TX");
        Page consent = consentFor(start(signedIn(f.parent()), SCOPE, "tamper-2", SmartTestClient.Pkce.create()), f.parent().patientId());
        URI back = approve(consent, "EVERYTHING");
        assertThat(queryOf(back)).containsEntry("error", "invalid_request").doesNotContainKey("code");
    }

    @Test
    void whenTheUserPicksSomeoneTheyMayNotActForThenRefused() {
        Family f = family("TX");
        Family other = family("TX");
        SmartTestClient parent = signedIn(f.parent());
        Page picker = start(parent, SCOPE, "tamper-3", SmartTestClient.Pkce.create());
        Element form = picker.doc().selectFirst("form#patient-picker");
        Map<String, List<String>> fields = formFields(form);
        fields.put("patient", List.of(other.child8()));
        assertThat(submit(form, fields).statusCode()).isEqualTo(400);
    }

    @Test
    void whenThePatientRevokesTheProxyThenTokensRefreshAndSessionsEnd() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount adult = account("adult", tag);
        UserAccount carer = account("carer", tag);
        browser = signedIn(adult);
        follow(submit("/account/proxies", "grant-proxy-form", "person", carer.email(), "level", "full"));

        SmartTestClient caregiver = signedIn(carer);
        Map<String, Object> token = launch(caregiver, SCOPE, adult.patientId());
        assertThat(token).containsEntry("patient", adult.patientId()).containsKey("refresh_token");
        assertThat(((String) token.get("scope")).split(" ")).contains("patient/*.cruds");
        String grant = grantOf(token);
        assertThat(revokedGrants()).doesNotContain(grant);

        SmartTestClient patient = signedIn(adult);
        browser = patient;
        Page page = follow(patient.get(URI.create("/account/proxies")));
        String relationship = page.doc().selectFirst("#proxies tbody tr").attr("data-relationship");
        // the relationship as FHIR data in the adult's record, written with the auth-server's own narrow token
        FhirStub.Write person = written("/fhir/RelatedPerson/proxy-" + relationship, r -> Boolean.TRUE.equals(r.get("active")));
        assertThat(person.resource().get("patient")).isEqualTo(Map.of("reference", "Patient/" + adult.patientId()));
        assertThat(new FhirStub.Call(URI.create("/x?y=z"), person.authorization()).token().getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("system/RelatedPerson.cu system/Consent.cu");
        FhirStub.Write consent = written("/fhir/Consent/proxy-" + relationship, r -> "active".equals(r.get("status")));
        assertThat(consent.resource().get("provision").toString()).contains("RelatedPerson/proxy-" + relationship).contains("correct");
        Element revoke = page.doc().selectFirst("form.revoke-proxy");
        Page after = follow(submit(revoke, formFields(revoke)));
        assertThat(after.doc().selectFirst("#proxies-message").attr("data-message")).isEqualTo("proxies.revoke.done");
        assertThat(after.doc().select("form.revoke-proxy")).isEmpty();

        // the feed lists the grant (the fhir-server refuses its access tokens within its 2 s poll)
        assertThat(revokedGrants()).contains(grant);
        written("/fhir/Consent/proxy-" + relationship, r -> "inactive".equals(r.get("status")));
        written("/fhir/RelatedPerson/proxy-" + relationship, r -> Boolean.FALSE.equals(r.get("active")));
        HttpResponse<String> refreshed = refresh(caregiver, (String) token.get("refresh_token"));
        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(SmartTestClient.json(refreshed.body())).containsEntry("error", "invalid_grant");
        // the caregiver's browser session is gone
        HttpResponse<String> account = caregiver.get(URI.create("/account/proxies"));
        assertThat(account.statusCode()).isEqualTo(302);
        assertThat(account.headers().firstValue("Location").orElseThrow()).contains("/login");
        // the ended grant gives no picker entry: one record left, so no picker at all
        Page next = start(signedIn(carer), SCOPE, "after-1", SmartTestClient.Pkce.create());
        assertThat(next.doc().select("#patient-picker")).isEmpty();
        assertThat(next.doc().selectFirst("#consent-patient").text()).contains("Carer " + tag);
        assertThat(TestMail.body(mail(carer.email(), "has ended"))).contains("Adult " + tag);
        mail(adult.email(), "can no longer use");
    }

    @Test
    void whenSomeoneElseTriesToEndTheRelationshipThenItStays() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount adult = account("adult", tag);
        UserAccount carer = account("carer", tag);
        UserAccount stranger = account("stranger", tag);
        browser = signedIn(adult);
        Page mine = follow(submit("/account/proxies", "grant-proxy-form", "person", carer.username(), "level", "full"));
        String relationship = mine.doc().selectFirst("#proxies tbody tr").attr("data-relationship");
        // nobody else's proxies are listed to the stranger, and their End access for it changes nothing
        browser = signedIn(stranger);
        Page theirs = follow(browser.get(URI.create("/account/proxies")));
        assertThat(theirs.doc().select("#proxies")).isEmpty();
        Element anyForm = theirs.doc().selectFirst("form#grant-proxy-form");
        Map<String, List<String>> csrf = new LinkedHashMap<>();
        csrf.put("_csrf", List.of(anyForm.selectFirst("input[name=_csrf]").val()));
        Page after = follow(browser.postForm(URI.create("/account/proxies/" + relationship + "/revoke"), csrf, Map.of()));
        assertThat(after.doc().selectFirst("#proxies-message").attr("data-message")).isEqualTo("proxies.revoke.unknown");
        Page picker = start(signedIn(carer), SCOPE, "still", SmartTestClient.Pkce.create());
        assertThat(pickerChoices(picker)).containsExactly(carer.patientId(), adult.patientId());
        // a person with no account cannot be given access
        browser = signedIn(adult);
        Page unknown = follow(submit("/account/proxies", "grant-proxy-form", "person", "nobody-" + tag, "level", "full"));
        assertThat(unknown.doc().selectFirst("#proxies-message").attr("data-message")).isEqualTo("proxies.grant.unknown");
    }

    @Test
    void whenBirthdaysPassThenAccessNarrowsAndThenEndsWithoutAnyoneActing() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount parent = account("parent", tag);
        UserAccount child = account("teen", tag);
        // turns 13 tomorrow, in Texas (narrowing at 13)
        LocalDate born = today().minusYears(13).plusDays(1);
        record(child.patientId(), "Soon" + tag, born, "TX");
        assertThat(guardian(parent, child.patientId())).containsEntry("age_phase", "child");

        SmartTestClient browserOfParent = signedIn(parent);
        Map<String, Object> before = launch(browserOfParent, SCOPE, child.patientId());
        assertThat(sensitive(before)).contains(SUD, SEX);
        String grantBefore = grantOf(before);

        // past the 13th birthday: the sweep narrows the grant, with nobody signing in
        clock.set(born.plusYears(13).plusDays(1).atStartOfDay(ZoneOffset.UTC).plusHours(9).toInstant());
        assertThat(sweep.run()).isGreaterThanOrEqualTo(1);
        assertThat(revokedGrants()).contains(grantBefore);
        HttpResponse<String> stale = refresh(browserOfParent, (String) before.get("refresh_token"));
        assertThat(SmartTestClient.json(stale.body())).containsEntry("error", "invalid_grant");
        assertThat(TestMail.body(mail(parent.email(), "now private"))).contains("Soon" + tag);
        mail(child.email(), "now private");
        Map<String, Object> narrowed = launch(signedIn(parent), SCOPE, child.patientId());
        assertThat(sensitive(narrowed)).doesNotContain(SUD, SEX, ETH).contains(PSY);
        assertThat(staffApi("GET", "/staff/api/patients/" + child.patientId() + "/proxies").body())
                .contains("\"age_phase\":\"adolescent\"").contains("\"rule_id\":\"US-TX\"").contains("\"rule_version\":1");

        // past the 18th birthday: the next refresh applies the rule itself (the sweep would too)
        clock.set(born.plusYears(18).plusDays(1).atStartOfDay(ZoneOffset.UTC).plusHours(9).toInstant());
        HttpResponse<String> ended = refresh(browserOfParent, (String) narrowed.get("refresh_token"));
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(SmartTestClient.json(ended.body())).containsEntry("error", "invalid_grant");
        assertThat(revokedGrants()).contains(grantOf(narrowed));
        assertThat(TestMail.body(mail(parent.email(), "has ended"))).contains("Soon" + tag);
        assertThat(TestMail.body(mail(child.email(), "yours to manage"))).contains("Parent " + tag);
        Page own = start(signedIn(parent), SCOPE, "after-18", SmartTestClient.Pkce.create());
        assertThat(own.doc().select("#patient-picker")).isEmpty();
        assertThat(staffApi("GET", "/staff/api/patients/" + child.patientId() + "/proxies").body())
                .contains("\"status\":\"suspended\"").contains("\"reason\":\"suspended_at_age\"");

        // the young adult may grant it again, as an adult's own decision
        browser = signedIn(child);
        follow(submit("/account/proxies", "grant-proxy-form", "person", parent.username(), "level", "read-only"));
        Page again = start(signedIn(parent), SCOPE, "regrant", SmartTestClient.Pkce.create());
        assertThat(pickerChoices(again)).containsExactly(parent.patientId(), child.patientId());
        assertThat(labelOf(again, child.patientId())).contains("read-only");
    }

    @Test
    void whenStaffRecordGuardianAccessThenTheDocumentIsRequiredAndAdultsAreRefused() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        UserAccount parent = account("parent", tag);
        record("pt-minor-" + tag, "Minor", today().minusYears(10), "TX");
        record("pt-grown-" + tag, "Grown", today().minusYears(30), "TX");
        assertThat(staffApi("POST", "/staff/api/patients/pt-minor-" + tag + "/proxies?proxy=" + parent.username()).statusCode())
                .isEqualTo(400);
        assertThat(staffApi("POST", "/staff/api/patients/pt-grown-" + tag + "/proxies?proxy=" + parent.username()
                + "&document_reference=court-order-1").statusCode()).isEqualTo(409);
        assertThat(staffApi("POST", "/staff/api/patients/pt-nobody-" + tag + "/proxies?proxy=" + parent.username()
                + "&document_reference=court-order-1").statusCode()).isEqualTo(404);
        assertThat(staffApi("POST", "/staff/api/patients/pt-minor-" + tag + "/proxies?proxy=" + parent.username()
                + "&document_reference=court-order-1", parent.username(), PASSWORD).statusCode()).isIn(401, 403);
        assertThat(staffApi("POST", "/staff/api/patients/pt-minor-" + tag + "/proxies?proxy=" + parent.username()
                + "&document_reference=court-order-1").statusCode()).isEqualTo(201);
    }
}
