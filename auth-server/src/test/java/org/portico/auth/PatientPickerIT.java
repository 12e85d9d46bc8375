package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The patient picker of standalone {@code launch/patient} launches. */
class PatientPickerIT extends LaunchITSupport {

    static final String SCOPE = "openid fhirUser launch/patient offline_access patient/Patient.rs patient/Observation.rs";

    Page start(String username, String password, String state, SmartTestClient.Pkce pkce) {
        HttpResponse<String> first = browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, state, pkce)));
        assertThat(redirectOf(first).getPath()).isEqualTo("/login");
        return follow(browser.login(username, password));
    }

    @Test
    void whenUserMayActForSeveralPatientsThenPickerThenTokenForThePickedOne() throws Exception {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page picker = start("it-carol", "it-carol-password", "pick-1", pkce);
        Element form = picker.doc().selectFirst("form#patient-picker");
        assertThat(form).isNotNull();
        assertThat(form.select("input[type=radio][name=patient]").eachAttr("value")).containsExactly("it-patient-carol", "it-patient-dave");
        assertThat(form.selectFirst("input[type=radio][name=patient]").hasAttr("checked")).isTrue();
        assertThat(form.select("fieldset legend")).isNotEmpty();
        for (Element radio : form.select("input[type=radio]")) {
            assertThat(form.select("label[for=" + radio.id() + "]")).hasSize(1);
        }
        assertThat(form.select("button[type=submit]#choose-patient")).hasSize(1);

        Map<String, List<String>> fields = formFields(form);
        fields.put("patient", List.of("it-patient-dave"));
        Page consent = follow(submit(form, fields));
        assertThat(consent.doc().selectFirst("#consent-patient").text()).contains("Dave Test").contains("a record you manage");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        assertThat(queryOf(back)).containsEntry("state", "pick-1");
        Map<String, Object> token = tokenJson(exchangePublic(queryOf(back).get("code"), PUBLIC_REDIRECT, pkce.verifier()));
        assertThat(token).containsEntry("patient", "it-patient-dave");
        JWTClaimsSet access = SignedJWT.parse((String) token.get("access_token")).getJWTClaimsSet();
        assertThat(access.getStringClaim("patient")).isEqualTo("it-patient-dave");
        // the user is still who they are
        assertThat(access.getStringClaim("fhirUser")).isEqualTo(FHIR_BASE + "/Patient/it-patient-carol");
    }

    @Test
    void whenUserCancelsOnThePickerThenAccessDeniedWithState() {
        Page picker = start("it-carol", "it-carol-password", "pick-7", SmartTestClient.Pkce.create());
        Element cancel = picker.doc().selectFirst("form#picker-deny-form");
        URI location = redirectOf(submit(cancel, formFields(cancel)));
        assertThat(location.toString()).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "access_denied").containsEntry("state", "pick-7").doesNotContainKey("code");
    }

    @Test
    void whenMultiPatientUserKeepsTheDefaultThenOwnRecord() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page picker = start("it-carol", "it-carol-password", "pick-2", pkce);
        Element form = picker.doc().selectFirst("form#patient-picker");
        Page consent = follow(submit(form, formFields(form)));
        assertThat(consent.doc().selectFirst("#consent-patient").text()).contains("Carol Test").contains("your own record");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        assertThat(tokenJson(exchangePublic(queryOf(back).get("code"), PUBLIC_REDIRECT, pkce.verifier())))
                .containsEntry("patient", "it-patient-carol");
    }

    @Test
    void whenUserHasOnePatientThenNoPicker() {
        Page consent = start("it-alice", "it-alice-password", "pick-3", SmartTestClient.Pkce.create());
        assertThat(consent.doc().select("#patient-picker")).isEmpty();
        assertThat(consent.doc().select("#consent-form")).hasSize(1);
        assertThat(consent.doc().selectFirst("#consent-patient").text()).contains("Alice Test");
    }

    @Test
    void whenPickerFormIsTamperedWithThenRejected() {
        Page picker = start("it-carol", "it-carol-password", "pick-4", SmartTestClient.Pkce.create());
        Element form = picker.doc().selectFirst("form#patient-picker");
        Map<String, List<String>> fields = formFields(form);
        fields.put("patient", List.of("it-patient-alice"));
        HttpResponse<String> response = submit(form, fields);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("it-patient-alice").doesNotContain("Exception");
    }

    @Test
    void whenConsentFormIsTamperedWithThenInvalidRequestAndNoCode() {
        Page picker = start("it-carol", "it-carol-password", "pick-5", SmartTestClient.Pkce.create());
        Element pickerForm = picker.doc().selectFirst("form#patient-picker");
        Page consent = follow(submit(pickerForm, formFields(pickerForm)));
        Element form = consent.doc().selectFirst("form#consent-form");
        Map<String, List<String>> fields = formFields(form);
        fields.put("patient", List.of("it-patient-bob"));
        URI location = redirectOf(browser.postForm(URI.create(form.attr("action")), fields, Map.of()));
        assertThat(location.toString()).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", "pick-5").doesNotContainKey("code");

        // the request is gone: the same form cannot be replayed with a valid patient
        fields.put("patient", List.of("it-patient-carol"));
        HttpResponse<String> replay = browser.postForm(URI.create(form.attr("action")), fields, Map.of());
        assertThat(replay.statusCode()).isEqualTo(400);
    }

    @Test
    void whenSingleUserConsentNamesAnotherPatientThenInvalidRequest() {
        Page consent = start("it-alice", "it-alice-password", "pick-6", SmartTestClient.Pkce.create());
        Element form = consent.doc().selectFirst("form#consent-form");
        Map<String, List<String>> fields = formFields(form);
        assertThat(fields.get("patient")).containsExactly("it-patient-alice");
        fields.put("patient", List.of("it-patient-dave"));
        URI location = redirectOf(browser.postForm(URI.create(form.attr("action")), fields, Map.of()));
        assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", "pick-6").doesNotContainKey("code");
    }
}
