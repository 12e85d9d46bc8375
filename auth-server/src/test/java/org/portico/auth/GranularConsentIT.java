package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The consent page: per-type and per-category choices, v1 in / v1 out, denial, the patient named. */
class GranularConsentIT extends LaunchITSupport {

    static final String OBS = "patient/Observation.rs";
    static final String OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category|";
    static final String COND_CAT = "http://terminology.hl7.org/CodeSystem/condition-category|";
    static final String LAB = OBS + "?category=" + OBS_CAT + "laboratory";
    static final String VITALS = OBS + "?category=" + OBS_CAT + "vital-signs";
    static final String SCOPE_9_28 = "launch/patient openid fhirUser offline_access patient/Condition.rs patient/Observation.rs patient/Patient.rs";

    SmartTestClient.Pkce pkce;

    Document consentFor(String scope, String state) {
        pkce = SmartTestClient.Pkce.create();
        HttpResponse<String> first = browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, scope, state, pkce)));
        assertThat(redirectOf(first).getPath()).isEqualTo("/login");
        Page page = follow(browser.login("it-alice", "it-alice-password"));
        assertThat(page.uri().getPath()).isEqualTo("/oauth2/consent");
        return page.doc();
    }

    /** Approves with the given boxes unticked; returns the granted scope of the token response. */
    Set<String> grantedAfterUnticking(Document consent, Set<String> untick, String state) {
        URI back = redirectOf(browser.approve(consent, untick));
        assertThat(back.toString()).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(queryOf(back)).containsEntry("state", state);
        Map<String, Object> token = tokenJson(exchangePublic(queryOf(back).get("code"), PUBLIC_REDIRECT, pkce.verifier()));
        Set<String> granted = Set.of(((String) token.get("scope")).split(" "));
        try {
            assertThat(Set.of(SignedJWT.parse((String) token.get("access_token")).getJWTClaimsSet().getStringClaim("scope").split(" ")))
                    .as("access token scope").isEqualTo(granted);
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
        return granted;
    }

    static Set<String> otherObservationCategories(String... keep) {
        Set<String> all = Set.of("procedure", "laboratory", "social-history", "survey", "vital-signs");
        Set<String> untick = new HashSet<>();
        for (String code : all) {
            if (!List.of(keep).contains(code)) {
                untick.add(OBS + "?category=" + OBS_CAT + code);
            }
        }
        untick.add(OBS + "?category=http://hl7.org/fhir/us/core/CodeSystem/us-core-category|sdoh");
        return untick;
    }

    @Test
    void whenPatientKeepsOnlyLaboratoryAndVitalSignsThenExactlyThoseGranularScopes() {
        Document consent = consentFor(SCOPE_9_28, "g-1");
        Set<String> untick = new HashSet<>(otherObservationCategories("laboratory", "vital-signs"));
        untick.add("patient/Condition.rs?category=" + COND_CAT + "encounter-diagnosis");
        Set<String> granted = grantedAfterUnticking(consent, untick, "g-1");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", "fhirUser", "offline_access", "patient/Patient.rs",
                LAB, VITALS,
                "patient/Condition.rs?category=" + COND_CAT + "problem-list-item",
                "patient/Condition.rs?category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern");
    }

    @Test
    void whenConsentPageShownThenCategoriesGroupedLabelledAndTickedInPlainLanguage() {
        Document consent = consentFor(SCOPE_9_28, "g-2");
        Element observation = consent.selectFirst("input[type=checkbox][name=scope][value=" + OBS + "]");
        assertThat(observation.hasAttr("checked")).isTrue();
        Element group = consent.selectFirst("#" + observation.id() + "-categories");
        assertThat(group.tagName()).isEqualTo("fieldset");
        assertThat(group.selectFirst("legend").text()).contains("lab results and vital signs");
        List<String> labels = group.select("label").eachText();
        assertThat(labels).hasSize(6);
        assertThat(String.join("|", labels)).contains("Clinical Test", "Laboratory", "Social History", "SDOH", "Survey", "Vital Signs");
        assertThat(group.select("input[type=checkbox][name=granular_scope]").eachAttr("value")).contains(LAB, VITALS);
        assertThat(group.select("input[type=checkbox]")).allSatisfy(box -> assertThat(box.hasAttr("checked")).isTrue());
        Element condition = consent.selectFirst("input[type=checkbox][name=scope][value=patient/Condition.rs]");
        assertThat(String.join("|", consent.select("#" + condition.id() + "-categories label").eachText()))
                .contains("Encounter Diagnosis", "Problem List", "Health Concern");
        // every box has its own label; offline access is spelled out; the patient is named
        for (Element box : consent.select("input[type=checkbox]")) {
            assertThat(consent.select("label[for=" + box.id() + "]")).as(box.id()).hasSize(1);
        }
        assertThat(consent.selectFirst("#offline-notice").text()).contains("keep access when you are not using the app");
        assertThat(consent.selectFirst("#consent-patient").text()).contains("Alice Test");
        assertThat(consent.select("button#approve[type=submit]")).hasSize(1);
    }

    @Test
    void whenEverythingOfferedIsApprovedThenResourceLevelScopesAsAsked() {
        Set<String> granted = grantedAfterUnticking(consentFor(SCOPE_9_28, "g-3"), Set.of(), "g-3");
        assertThat(granted).containsExactlyInAnyOrder(SCOPE_9_28.split(" "));
    }

    @Test
    void whenAppAsksV1ScopesThenV1ComesBackAndNoCategoriesOffered() {
        String scope = "launch/patient openid patient/Observation.read patient/Condition.read patient/Patient.read";
        Document consent = consentFor(scope, "g-4");
        assertThat(consent.select("input[name=granular_scope]")).isEmpty();
        Set<String> granted = grantedAfterUnticking(consent, Set.of("patient/Condition.read"), "g-4");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", "patient/Observation.read", "patient/Patient.read");
    }

    @Test
    void whenPatientUnticksATypeThenItIsDroppedWhateverItsCategories() {
        Set<String> granted = grantedAfterUnticking(consentFor(SCOPE_9_28, "g-5"), Set.of(OBS), "g-5");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", "fhirUser", "offline_access",
                "patient/Condition.rs", "patient/Patient.rs");
    }

    @Test
    void whenAppAsksGranularScopesThenExactlyThoseAreOffered() {
        String scope = "launch/patient openid " + LAB + " " + VITALS + " patient/Condition.rs?category=" + COND_CAT + "problem-list-item";
        Document consent = consentFor(scope, "g-6");
        assertThat(consent.select("input[type=checkbox][name=scope]").eachAttr("value")).containsExactly(LAB, VITALS,
                "patient/Condition.rs?category=" + COND_CAT + "problem-list-item");
        assertThat(consent.select("input[name=granular_scope]")).isEmpty();
        assertThat(consent.selectFirst("label[for=" + consent.selectFirst("input[value=" + LAB + "]").id() + "]").text())
                .contains("Laboratory");
        Set<String> granted = grantedAfterUnticking(consent, Set.of(VITALS), "g-6");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", LAB, "patient/Condition.rs?category=" + COND_CAT + "problem-list-item");
    }

    @Test
    void whenEverythingClinicalIsUntickedThenIdentityScopesStillGranted() {
        Document consent = consentFor(SCOPE_9_28, "g-7");
        Set<String> granted = grantedAfterUnticking(consent,
                Set.of(OBS, "patient/Condition.rs", "patient/Patient.rs"), "g-7");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", "fhirUser", "offline_access");
    }

    @Test
    void whenAllCategoriesOfATypeAreUntickedThenTheTypeIsDropped() {
        Document consent = consentFor(SCOPE_9_28, "g-8");
        Set<String> granted = grantedAfterUnticking(consent, otherObservationCategories(), "g-8");
        assertThat(granted).containsExactlyInAnyOrder("launch/patient", "openid", "fhirUser", "offline_access",
                "patient/Condition.rs", "patient/Patient.rs");
    }

    @Test
    void whenPatientDeniesThenAccessDeniedWithStateAndNoCode() {
        Document consent = consentFor(SCOPE_9_28, "g-9");
        URI location = redirectOf(browser.deny(consent));
        assertThat(location.toString()).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "access_denied").containsEntry("state", "g-9").doesNotContainKey("code");
    }

    @Test
    void whenFormCarriesACategoryThatWasNotOfferedThenItIsNotGranted() {
        Document consent = consentFor("launch/patient patient/Observation.rs", "g-10");
        Element form = consent.selectFirst("form#consent-form");
        Map<String, List<String>> fields = formFields(form);
        fields.put("granular_scope", List.of(LAB, "patient/Observation.cruds?category=" + OBS_CAT + "exam", "patient/Condition.rs"));
        URI back = redirectOf(browser.postForm(URI.create(form.attr("action")), fields, Map.of()));
        Map<String, Object> token = tokenJson(exchangePublic(queryOf(back).get("code"), PUBLIC_REDIRECT, pkce.verifier()));
        assertThat(((String) token.get("scope")).split(" ")).containsExactlyInAnyOrder("launch/patient", LAB);
    }
}
