package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Self-registration over HTTP with each proofing path and its failures: the fhir-server is
 * {@link FhirStub} (Patients put there by the test), email goes through a real SMTP exchange
 * ({@link TestMail}), SMS to the recording sender.
 */
class RegistrationIT extends AccountITSupport {

    static final Pattern SIX_DIGITS = Pattern.compile("\\b([0-9]{6})\\b");

    HttpResponse<String> withCode(String code, String birthDate) {
        return submit("/register", "code-form", "code", code, "birthDate", birthDate);
    }

    HttpResponse<String> match(TestPatients.Person p, String factor, String value) {
        return submit("/register", "match-form", "given", p.given(), "family", p.family(), "birthDate", p.birthDate(),
                "factor", factor, "value", value);
    }

    HttpResponse<String> verify(String code) {
        return browser.postForm(URI.create("/register/verify"), SmartTestClient.form("code", code, "_csrf", csrf("/register")), Map.of());
    }

    /** A CSRF token of this browser's session, from any of our forms. */
    String csrf(String page) {
        return doc(browser.get(URI.create(page))).selectFirst("input[name=_csrf]").val();
    }

    static String codeIn(String text) {
        Matcher m = SIX_DIGITS.matcher(text);
        assertThat(m.find()).as("a 6-digit code in: " + text).isTrue();
        return m.group(1);
    }

    Map<String, Object> userRow(String username) {
        return jdbc.sql("SELECT patient_id, roles, proofing_method, assurance_level, proofed_at, email, phone, language FROM users WHERE username = ?")
                .param(username).query().singleRow();
    }

    void assertRegisteredAndCanSignIn(TestPatients.Person p, String username, String method) {
        HttpResponse<String> created = chooseAccount(username, "a long enough passphrase");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/login?registered");
        Map<String, Object> row = userRow(username);
        assertThat(row.get("patient_id")).isEqualTo(p.id());
        assertThat(row.get("roles")).isEqualTo("PATIENT");
        assertThat(row.get("proofing_method")).isEqualTo(method);
        assertThat(row.get("assurance_level")).isNotNull();
        assertThat(row.get("proofed_at")).isNotNull();
        browser = new SmartTestClient(port);
        signIn(username, "a long enough passphrase");
    }

    // --- (a) activation code ---

    @Test
    void whenActivationCodeAndBirthDateAreRightThenTheAccountIsCreatedProofedAndLinked() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String code = activationCode(p.id());
        assertThat(code).matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
        HttpResponse<String> proofed = withCode(code.toLowerCase(java.util.Locale.ROOT).replace("-", " "), p.birthDate());
        assertThat(proofed.statusCode()).as(proofed.body()).isEqualTo(302);
        assertThat(proofed.headers().firstValue("Location").orElseThrow()).endsWith("/register/account");
        assertRegisteredAndCanSignIn(p, "reg-code-" + p.id(), "activation_code");
        assertThat(userRow("reg-code-" + p.id())).containsEntry("assurance_level", "IAL2").containsEntry("email", p.email());
    }

    @Test
    void whenActivationCodeIsWrongThenTheSamePageAndMessageAndNoAccount() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        activationCode(p.id());
        HttpResponse<String> wrong = withCode("AAAA-BBBB-CCCC", p.birthDate());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(doc(wrong).selectFirst("#code-error").attr("role")).isEqualTo("alert");
        assertThat(doc(wrong).selectFirst("#code").attr("aria-describedby")).contains("code-error");
        assertThat(browser.get(URI.create("/register/account")).statusCode()).as("not proofed").isEqualTo(302);
    }

    @Test
    void whenBirthDateIsWrongThenTheSameAnswerAsAWrongCodeAndFiveWrongTriesVoidTheCode() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String code = activationCode(p.id());
        HttpResponse<String> wrongCode = withCode("AAAA-BBBB-CCCC", p.birthDate());
        HttpResponse<String> wrongDate = withCode(code, "1901-01-01");
        assertThat(wrongDate.statusCode()).isEqualTo(wrongCode.statusCode());
        assertThat(comparable(wrongDate)).isEqualTo(comparable(wrongCode));
        for (int i = 0; i < 4; i++) {
            withCode(code, "1901-01-0" + (i + 2));
        }
        assertThat(withCode(code, p.birthDate()).statusCode()).as("void after 5 wrong birth dates").isEqualTo(400);
    }

    @Test
    void whenActivationCodeIsReusedThenItFails() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String code = activationCode(p.id());
        assertThat(withCode(code, p.birthDate()).statusCode()).isEqualTo(302);
        browser = new SmartTestClient(port);
        HttpResponse<String> again = withCode(code, p.birthDate());
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(doc(again).select("#code-error")).hasSize(1);
    }

    @Test
    void whenActivationCodeHasExpiredOrWasRevokedThenItFails() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String expired = activationCode(p.id());
        jdbc.sql("UPDATE enrolment_secrets SET expires_at = ? WHERE patient_id = ?").params(System.currentTimeMillis() - 1000, p.id()).update();
        assertThat(withCode(expired, p.birthDate()).statusCode()).isEqualTo(400);

        String revoked = activationCode(p.id());
        String id = jdbc.sql("SELECT id FROM enrolment_secrets WHERE patient_id = ? AND revoked_at IS NULL AND expires_at > ?")
                .params(p.id(), System.currentTimeMillis()).query(String.class).single();
        assertThat(staffApi("DELETE", "/staff/api/secrets/" + id).statusCode()).isEqualTo(204);
        assertThat(withCode(revoked, p.birthDate()).statusCode()).isEqualTo(400);
        assertThat(staffApi("DELETE", "/staff/api/secrets/" + id).statusCode()).as("already revoked").isEqualTo(404);
    }

    @Test
    void whenCodesAreStoredThenOnlyTheirHashIs() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String code = activationCode(p.id()).replace("-", "");
        List<String> stored = jdbc.sql("SELECT secret_hash FROM enrolment_secrets WHERE patient_id = ?").param(p.id()).query(String.class).list();
        assertThat(stored).hasSize(1).allSatisfy(h -> assertThat(h).hasSize(64).doesNotContain(code));
    }

    // --- (b) demographic match ---

    @Test
    void whenDemographicsMatchOneRecordThenACodeGoesToTheEmailOnTheRecordAndRegistrationCompletes() throws Exception {
        TestPatients.Person p = TestPatients.person(true, true).stored();
        HttpResponse<String> pending = match(p, "mrn", p.mrn().toLowerCase(java.util.Locale.ROOT));
        assertThat(pending.statusCode()).isEqualTo(200);
        assertThat(doc(pending).select("form#verify-form")).hasSize(1);
        List<MimeMessage> mail = TestMail.await(1, Duration.ofSeconds(10));
        assertThat(mail).hasSize(1);
        assertThat(mail.get(0).getAllRecipients()[0].toString()).isEqualTo(p.email());
        assertThat(mail.get(0).getSubject()).isEqualTo("Your Portico code");
        assertThat(AccountTestConfig.SMS).as("email first").isEmpty();
        HttpResponse<String> verified = verify(codeIn(TestMail.body(mail.get(0))));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(302);
        assertRegisteredAndCanSignIn(p, "reg-match-" + p.id(), "demographic_match");
        assertThat(FhirStub.CALLS).allSatisfy(call -> {
            assertThat(call.uri().getPath()).startsWith("/fhir/Patient");
            assertThat(call.token().getJWTClaimsSet().getStringClaim("scope")).isEqualTo("system/Patient.rs");
            assertThat(call.token().getJWTClaimsSet().getStringClaim("client_id")).isEqualTo("portico-enrolment");
            assertThat(call.token().getJWTClaimsSet().getClaim("patient")).isNull();
        });
    }

    @Test
    void whenTheRecordHasOnlyAPhoneThenTheCodeGoesBySmsToThatNumberInTheVisitorsLanguage() throws Exception {
        TestPatients.Person p = TestPatients.person(false, true).stored();
        browser.get(URI.create("/register?lang=es"));
        HttpResponse<String> pending = match(p, "phone", p.phone().substring(p.phone().length() - 4));
        assertThat(doc(pending).selectFirst("html").attr("lang")).isEqualTo("es");
        for (int i = 0; i < 100 && AccountTestConfig.SMS.isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(AccountTestConfig.SMS).hasSize(1);
        AccountTestConfig.Sms sms = AccountTestConfig.SMS.get(0);
        assertThat(sms.phone()).isEqualTo(p.phone());
        assertThat(sms.text()).startsWith("Su código de Portico es");
        assertThat(verify(codeIn(sms.text())).statusCode()).isEqualTo(302);
        assertThat(TestMail.await(0, Duration.ZERO)).isEmpty();
    }

    @Test
    void whenDemographicsDoNotMatchThenTheSamePageAsAMatchAndNoMessage() {
        TestPatients.Person p = TestPatients.person(true, true).stored();
        HttpResponse<String> mismatch = match(p, "mrn", "MRN-NOT-THIS-ONE");
        HttpResponse<String> wrongName = submit("/register", "match-form", "given", "Someone", "family", p.family(),
                "birthDate", p.birthDate(), "factor", "mrn", "value", p.mrn());
        HttpResponse<String> matchOk = match(p, "mrn", p.mrn());
        assertThat(mismatch.statusCode()).isEqualTo(matchOk.statusCode()).isEqualTo(200);
        assertThat(comparable(mismatch)).isEqualTo(comparable(matchOk)).isEqualTo(comparable(wrongName));
        List<MimeMessage> mail = TestMail.await(2, Duration.ofSeconds(3));
        assertThat(mail).as("only the real match sent a code").hasSize(1);
    }

    @Test
    void whenTheVisitorTypesAnEmailThatIsNotOnTheRecordThenNothingIsSentAnywhere() {
        TestPatients.Person p = TestPatients.person(true, true).stored();
        HttpResponse<String> response = match(p, "email", "attacker@evil.example");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestMail.await(1, Duration.ofSeconds(2))).isEmpty();
        assertThat(AccountTestConfig.SMS).isEmpty();
        // the decoy pending match never verifies, whatever the code
        assertThat(verify("000000").statusCode()).isEqualTo(400);
    }

    @Test
    void whenTwoRecordsFitThenTheMatchIsAmbiguousAndNothingIsSent() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        TestPatients.Person twin = new TestPatients.Person(p.id() + "-twin", p.given(), p.family(), p.birthDate(), p.mrn(),
                "twin-" + p.email(), null).stored();
        assertThat(twin.id()).isNotEqualTo(p.id());
        assertThat(match(p, "mrn", p.mrn()).statusCode()).isEqualTo(200);
        assertThat(TestMail.await(1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void whenTheOneTimeCodeIsWrongReusedOrTriedTooOftenThenItFails() throws Exception {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        match(p, "mrn", p.mrn());
        String code = codeIn(TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));
        String wrong = code.equals("123456") ? "654321" : "123456";
        HttpResponse<String> failed = verify(wrong);
        assertThat(failed.statusCode()).isEqualTo(400);
        assertThat(doc(failed).selectFirst("#verify-error").attr("role")).isEqualTo("alert");
        assertThat(verify(code).statusCode()).as("right code after one wrong try").isEqualTo(302);
        browser.get(URI.create("/register"));
        // the used code cannot be used again, even with the same pending match restored
        assertThat(verify(code).statusCode()).isEqualTo(400);

        TestMail.reset();
        SmartTestClient other = new SmartTestClient(port);
        browser = other;
        match(p, "mrn", p.mrn());
        String second = codeIn(TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));
        String bad = second.equals("111111") ? "222222" : "111111";
        for (int i = 0; i < 5; i++) {
            verify(bad);
        }
        assertThat(verify(second).statusCode()).as("void after 5 wrong tries").isEqualTo(400);
    }

    @Test
    void whenMatchedAndUnmatchedAttemptsAreTimedThenTheyTakeAboutTheSameTime() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        // warm up both paths
        match(p, "mrn", p.mrn());
        match(p, "mrn", "MRN-NOPE");
        int[] n = {0};
        double ratio = medianRatio(() -> match(p, "mrn", p.mrn()), () -> match(p, "mrn", "MRN-NOPE-" + n[0]++), 7);
        assertThat(ratio).as("median time of a match over a mismatch (or the reverse)").isLessThan(1.5);
    }

    @Test
    void whenTheFhirServerIsDownThenAFriendlyPageAndNoCodeIsSpent() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        String code = activationCode(p.id());
        FhirStub.status = 500;
        HttpResponse<String> down = withCode(code, p.birthDate());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(doc(down).selectFirst("#unavailable").attr("role")).isEqualTo("alert");
        assertThat(down.body()).doesNotContain("Exception");
        assertThat(match(p, "mrn", p.mrn()).statusCode()).isEqualTo(503);
        FhirStub.status = 200;
        assertThat(withCode(code, p.birthDate()).statusCode()).as("the code still works").isEqualTo(302);
    }

    @Test
    void whenAnIncompleteFormIsSentThenTheFieldsAreAskedForAndNoLookupIsMade() {
        HttpResponse<String> response = submit("/register", "match-form", "given", "", "family", "X", "birthDate", "1970-01-01",
                "factor", "mrn", "value", "1");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(doc(response).selectFirst("#match-error").attr("role")).isEqualTo("alert");
        assertThat(FhirStub.CALLS).isEmpty();
    }

    // --- (c) invitation ---

    @Test
    void whenStaffSendAnInvitationThenTheLinkWithTheBirthDateRegistersOnceOnly() throws Exception {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        HttpResponse<String> sent = staffApi("POST", "/staff/api/patients/" + p.id() + "/invitations?channel=email&lang=es");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        assertThat(sent.body()).doesNotContain("token");
        MimeMessage mail = TestMail.await(1, Duration.ofSeconds(10)).get(0);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(p.email());
        assertThat(mail.getSubject()).isEqualTo("Cree su cuenta de Portico");
        Matcher link = Pattern.compile("(http://localhost:9000/register/invite\\?token=[A-Za-z0-9_-]+&lang=es)").matcher(TestMail.body(mail));
        assertThat(link.find()).as(TestMail.body(mail)).isTrue();
        String path = URI.create(link.group(1)).getRawPath() + "?" + URI.create(link.group(1)).getRawQuery();

        HttpResponse<String> page = browser.get(URI.create(path));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(doc(page).selectFirst("html").attr("lang")).isEqualTo("es");
        HttpResponse<String> wrongDate = submitForm(doc(page), "invite-form", "birthDate", "1901-01-01");
        assertThat(wrongDate.statusCode()).isEqualTo(400);
        HttpResponse<String> proofed = submit(path, "invite-form", "birthDate", p.birthDate());
        assertThat(proofed.statusCode()).as(proofed.body()).isEqualTo(302);
        assertRegisteredAndCanSignIn(p, "reg-invite-" + p.id(), "invitation");

        browser = new SmartTestClient(port);
        assertThat(submit(path, "invite-form", "birthDate", p.birthDate()).statusCode()).as("reused").isEqualTo(400);
    }

    @Test
    void whenTheRecordHasNoContactOfThatKindThenNoInvitation() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        HttpResponse<String> response = staffApi("POST", "/staff/api/patients/" + p.id() + "/invitations?channel=sms");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(SmartTestClient.json(response.body())).containsEntry("error", "no_contact");
    }

    // --- the account step ---

    @Test
    void whenTheUsernameIsTakenThenAnotherIsAskedForAfterProofingOnly() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        withCode(activationCode(p.id()), p.birthDate());
        HttpResponse<String> taken = chooseAccount("it-alice", "a long enough passphrase");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(doc(taken).selectFirst("#username-error").text()).contains("taken");
        HttpResponse<String> weak = chooseAccount("reg-weak-" + p.id(), "short");
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(doc(weak).selectFirst("#password-error")).isNotNull();
        assertThat(doc(weak).selectFirst("#new-password").attr("aria-describedby")).contains("password-error");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE patient_id = ?").param(p.id()).query(Integer.class).single()).isZero();
        assertThat(chooseAccount("reg-taken-" + p.id(), "a long enough passphrase").statusCode()).isEqualTo(302);
    }

    @Test
    void whenNotProofedThenTheAccountStepIsNotReachable() {
        assertThat(browser.get(URI.create("/register/account")).headers().firstValue("Location").orElseThrow()).endsWith("/register");
        HttpResponse<String> post = browser.postForm(URI.create("/register/account"),
                SmartTestClient.form("username", "nobody", "password", "a long enough passphrase", "_csrf", csrf("/register")), Map.of());
        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE username = 'nobody'").query(Integer.class).single()).isZero();
    }

    @Test
    void whenTheRecordAlreadyHasAnAccountThenProofingSaysSoAndCreatesNoSecondOne() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        withCode(activationCode(p.id()), p.birthDate());
        chooseAccount("reg-first-" + p.id(), "a long enough passphrase");
        browser = new SmartTestClient(port);
        HttpResponse<String> again = withCode(activationCode(p.id()), p.birthDate());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(doc(again).selectFirst("#message").text()).contains("already has an account");
    }

    @Test
    void whenPagesAreShownThenEveryInputHasALabelAndBothLanguagesWork() {
        for (String lang : new String[] {"en", "es"}) {
            Document page = doc(browser.get(URI.create("/register?lang=" + lang)));
            assertThat(page.selectFirst("html").attr("lang")).isEqualTo(lang);
            assertThat(page.select("nav.lang")).hasSize(1);
            assertThat(page.select("h1")).hasSize(1);
            page.select("input:not([type=hidden])").forEach(input ->
                    assertThat(page.select("label[for=" + input.id() + "]")).as(input.id()).hasSize(1));
        }
        Document login = doc(browser.get(URI.create("/login?lang=es")));
        assertThat(login.selectFirst("#register-link").text()).isEqualTo("Crear una cuenta");
        assertThat(login.selectFirst("#forgot-link").text()).isEqualTo("¿Olvidó su contraseña?");
    }
}
