package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The staff side: its own role on the API (HTTP Basic) and the page (session), audited actions, and
 * a staff account that can never act as a patient (no SMART authorization, no patient pages).
 */
class StaffDeskIT extends AccountITSupport {

    @Test
    void whenNotStaffThenTheApiRefuses() {
        assertThat(staffApi("GET", "/staff/api/patients?family=x", null, null).statusCode()).isEqualTo(401);
        assertThat(staffApi("GET", "/staff/api/patients?family=x", "it-alice", "it-alice-password").statusCode()).isEqualTo(403);
        assertThat(staffApi("GET", "/staff/api/patients?family=x", STAFF, "wrong-password").statusCode()).isEqualTo(401);
        assertThat(staffApi("POST", "/staff/api/patients/it-patient-alice/activation-codes", "it-alice", "it-alice-password").statusCode())
                .isEqualTo(403);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM enrolment_secrets WHERE patient_id = 'it-patient-alice'").query(Integer.class).single()).isZero();
    }

    @Test
    void whenSomeoneGuessesAStaffPasswordOnTheApiThenTheAccountLocksAsOnTheSignInForm(
            @Autowired UserAccounts users, @Autowired PasswordEncoder encoder) {
        String username = "staff-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        users.createStaff(username, encoder.encode("the right staff password"), "Guessed Staff");
        try {
            assertThat(staffApi("GET", "/staff/api/patients?family=x", username, "the right staff password").statusCode())
                    .isNotEqualTo(401);
            for (int i = 0; i < 10; i++) {
                assertThat(staffApi("GET", "/staff/api/patients?family=x", username, "guess-" + i).statusCode()).isEqualTo(401);
            }
            // locked: the right password is refused too, before it is checked
            assertThat(staffApi("GET", "/staff/api/patients?family=x", username, "the right staff password").statusCode())
                    .isEqualTo(401);
        } finally {
            // the other ITs of this context sign in from the same address
            jdbc.sql("DELETE FROM login_throttle").update();
        }
    }

    @Test
    void whenStaffLookUpAPatientThenTheFhirServerIsAskedAsABackendClientAndTheLookupIsAudited() throws Exception {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        HttpResponse<String> response = staffApi("GET", "/staff/api/patients?family=" + p.family() + "&birthdate=" + p.birthDate());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> patients = (List<Map<String, Object>>) SmartTestClient.json(response.body()).get("patients");
        assertThat(patients).singleElement().satisfies(found -> {
            assertThat(found).containsEntry("id", p.id()).containsEntry("birthDate", p.birthDate()).containsEntry("hasEmail", true);
            assertThat(found.get("username")).isNull();
        });
        FhirStub.Call call = FhirStub.CALLS.get(0);
        assertThat(call.query()).containsEntry("family", p.family()).containsEntry("birthdate", p.birthDate());
        assertThat(call.token().getJWTClaimsSet().getStringClaim("scope")).isEqualTo("system/Patient.rs");
        assertThat(staffApi("GET", "/staff/api/patients?mrn=" + p.mrn()).body()).contains(p.id());
        assertThat(staffApi("GET", "/staff/api/patients").statusCode()).isEqualTo(400);
        assertThat(staffApi("GET", "/staff/api/patients/does-not-exist").statusCode()).isEqualTo(404);
        assertThat(staffApi("POST", "/staff/api/patients/does-not-exist/activation-codes").statusCode()).isEqualTo(404);
        assertThat(audit("patient.lookup")).isNotEmpty();
    }

    @Test
    void whenStaffIssueRevokeAndUnlockThenEachIsAuditedWithTheStaffAccount() {
        TestPatients.Person p = TestPatients.person(true, false).stored();
        activationCode(p.id());
        Map<String, Object> detail = SmartTestClient.json(staffApi("GET", "/staff/api/patients/" + p.id()).body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> secrets = (List<Map<String, Object>>) detail.get("secrets");
        assertThat(secrets).singleElement().satisfies(s -> assertThat(s).containsEntry("kind", "activation_code")
                .containsEntry("status", "active").doesNotContainKey("code"));
        assertThat(staffApi("DELETE", "/staff/api/secrets/" + secrets.get(0).get("id")).statusCode()).isEqualTo(204);

        String alice = jdbc.sql("SELECT id FROM users WHERE username = 'it-alice'").query(String.class).single();
        assertThat(staffApi("POST", "/staff/api/accounts/" + alice + "/unlock").statusCode()).isEqualTo(204);
        assertThat(staffApi("POST", "/staff/api/accounts/nobody/unlock").statusCode()).isEqualTo(404);
        String staffId = jdbc.sql("SELECT id FROM users WHERE username = ?").param(STAFF).query(String.class).single();
        assertThat(AccountTestConfig.EVENTS).containsExactly(new AccountEvents.UnlockRequested(alice, staffId));

        List<Map<String, Object>> rows = jdbc.sql("SELECT staff_user_id, action, patient_id, user_id FROM staff_audit WHERE patient_id = ? OR user_id = ? ORDER BY id")
                .params(p.id(), alice).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("action")).containsSubsequence("activation_code.issue", "activation_code.revoke", "account.unlock");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("staff_user_id")).isEqualTo(staffId));
    }

    @Test
    void whenAStaffAccountSignsInThenItCannotAuthorizeAppsOrSeePatientPages() {
        signIn(STAFF, STAFF_PASSWORD);
        HttpResponse<String> authorize = browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT,
                "openid launch/patient patient/*.rs", "s1", SmartTestClient.Pkce.create())));
        URI back = redirectOf(authorize);
        assertThat(back.toString()).as("back to the app, no consent page").startsWith(PUBLIC_REDIRECT);
        assertThat(SmartTestClient.queryOf(back)).containsEntry("error", "access_denied").containsEntry("state", "s1");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization a JOIN users u ON a.principal_name = u.username WHERE u.username = ?")
                .param(STAFF).query(Integer.class).single()).isZero();
        assertThat(browser.get(URI.create("/account/apps")).statusCode()).isEqualTo(403);
        assertThat(browser.get(URI.create("/staff")).statusCode()).isEqualTo(200);
    }

    @Test
    void whenAPatientOrNobodyOpensTheStaffPageThenRefused() {
        HttpResponse<String> anonymous = browser.get(URI.create("/staff"));
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        signIn("it-alice", "it-alice-password");
        assertThat(browser.get(URI.create("/staff")).statusCode()).isEqualTo(403);
    }

    @Test
    void whenStaffUseThePageThenTheyFindThePatientAndIssueACodeShownOnce() {
        TestPatients.Person p = TestPatients.person(true, true).stored();
        signIn(STAFF, STAFF_PASSWORD);
        Document results = doc(browser.get(URI.create("/staff?family=" + p.family() + "&mrn=" + p.mrn())));
        assertThat(results.select("#results tbody tr")).hasSize(1);
        Document patient = doc(browser.get(URI.create("/staff?patient=" + p.id())));
        assertThat(patient.selectFirst("#patient-heading").text()).isEqualTo(p.given() + " " + p.family());
        HttpResponse<String> issued = submitForm(patient, "issue-form");
        assertThat(issued.statusCode()).isEqualTo(200);
        String code = doc(issued).selectFirst("#issued-code").text();
        assertThat(code).matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
        assertThat(doc(browser.get(URI.create("/staff?patient=" + p.id()))).text()).doesNotContain(code);
        HttpResponse<String> invited = submitForm(doc(issued), "invite-form", "channel", "sms", "lang", "en");
        assertThat(doc(invited).selectFirst("#staff-done")).isNotNull();
        assertThat(audit("invitation.send")).isNotEmpty();
    }

    @Test
    void whenTheFhirServerIsDownThenTheApiAnswers503AndThePageSaysSo() {
        FhirStub.status = 500;
        HttpResponse<String> api = staffApi("GET", "/staff/api/patients?family=Anyone");
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(SmartTestClient.json(api.body())).containsEntry("error", "fhir_unavailable");
        signIn(STAFF, STAFF_PASSWORD);
        HttpResponse<String> page = browser.get(URI.create("/staff?family=Anyone"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(doc(page).selectFirst("#staff-unavailable")).isNotNull();
    }

    List<String> audit(String action) {
        return jdbc.sql("SELECT action FROM staff_audit WHERE action = ?").param(action).query(String.class).list();
    }
}
