package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.json;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The portal's EHR launch: minting the launch value, redeeming it, the launch context in the token response. */
class EhrLaunchIT extends LaunchITSupport {

    static final String EHR_SCOPE = "launch openid fhirUser offline_access user/Patient.rs user/Encounter.rs patient/Patient.rs";

    /** Signs in (once per browser), opens the launch page and launches the app; returns the app's launch URL. */
    URI launch(String username, String password, String clientId, Map<String, String> overrides) {
        signIn(username, password);
        HttpResponse<String> page = browser.get(URI.create("/portico/launch"));
        assertThat(page.statusCode()).isEqualTo(200);
        Element form = parse(page).selectFirst("form[id=launch-" + clientId + "]");
        assertThat(form).as("launch form for " + clientId).isNotNull();
        Map<String, List<String>> fields = formFields(form);
        overrides.forEach((k, v) -> fields.put(k, List.of(v)));
        HttpResponse<String> launched = submit(form, fields);
        return redirectOf(launched);
    }

    String launchValue(URI launchUrl) {
        assertThat(launchUrl.toString()).startsWith(EHR_LAUNCH_URI + "?");
        Map<String, String> query = queryOf(launchUrl);
        assertThat(query).containsEntry("iss", FHIR_BASE).containsEntry("tenant", "t1");
        assertThat(query.get("launch")).hasSizeGreaterThan(20);
        return query.get("launch");
    }

    Map<String, String> ehrAuthorize(String launch, String state, SmartTestClient.Pkce pkce) {
        Map<String, String> params = authorizeParams(EHR_CLIENT, EHR_REDIRECT, EHR_SCOPE, state, pkce);
        params.put("launch", launch);
        return params;
    }

    @Test
    void whenPortalLaunchesAppThenTokenResponseCarriesPatientEncounterAndStyle() throws Exception {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of("encounter", "enc-123")));
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();

        // SMART 2 EHR launch: the app posts the authorization request (authorize-post)
        Page consent = follow(postAuthorize(ehrAuthorize(launch, "ehr-state", pkce)));
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
        assertThat(consent.doc().selectFirst("#consent-patient").text()).contains("Alice Test");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        assertThat(back.toString()).startsWith(EHR_REDIRECT + "?");
        assertThat(queryOf(back)).containsEntry("state", "ehr-state").containsKey("code");

        HttpResponse<String> response = exchangeConfidential(EHR_CLIENT, EHR_SECRET, queryOf(back).get("code"), EHR_REDIRECT, pkce.verifier());
        Map<String, Object> token = tokenJson(response);
        assertThat(token).containsEntry("patient", "it-patient-alice")
                .containsEntry("encounter", "enc-123")
                .containsEntry("need_patient_banner", true)
                .containsEntry("smart_style_url", ISSUER + "/smart-style.json")
                .containsEntry("fhirContext", List.of(Map.of("reference", "Encounter/enc-123")));
        assertThat(token.get("scope").toString().split(" ")).contains("launch", "openid", "fhirUser", "offline_access", "user/Patient.rs");
        assertThat(token.get("refresh_token")).isInstanceOf(String.class);
        JWTClaimsSet access = SignedJWT.parse((String) token.get("access_token")).getJWTClaimsSet();
        assertThat(access.getStringClaim("patient")).isEqualTo("it-patient-alice");
        assertThat(access.getStringClaim("encounter")).isEqualTo("enc-123");

        // the context survives a refresh
        HttpResponse<String> refreshed = browser.postForm(URI.create("/oauth2/token"),
                SmartTestClient.form("grant_type", "refresh_token", "refresh_token", (String) token.get("refresh_token")),
                Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((EHR_CLIENT + ":" + EHR_SECRET).getBytes(StandardCharsets.UTF_8))));
        assertThat(tokenJson(refreshed)).containsEntry("patient", "it-patient-alice").containsEntry("encounter", "enc-123");
    }

    @Test
    void whenLaunchedWithoutEncounterThenNoEncounterNorFhirContext() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page consent = follow(postAuthorize(ehrAuthorize(launch, "s", pkce)));
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        Map<String, Object> token = tokenJson(exchangeConfidential(EHR_CLIENT, EHR_SECRET, queryOf(back).get("code"), EHR_REDIRECT, pkce.verifier()));
        assertThat(token).containsEntry("patient", "it-patient-alice").containsEntry("need_patient_banner", true)
                .doesNotContainKey("encounter").doesNotContainKey("fhirContext");
    }

    @Test
    void whenUserLaunchesForAnotherPatientTheyActForThenTokenIsForThatPatient() {
        URI url = launch("it-carol", "it-carol-password", EHR_CLIENT, Map.of("patient", "it-patient-dave"));
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page consent = follow(postAuthorize(ehrAuthorize(launchValue(url), "s", pkce)));
        assertThat(consent.doc().select("#patient-picker")).isEmpty();
        assertThat(consent.doc().selectFirst("#consent-patient").text()).contains("Dave Test");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        Map<String, Object> token = tokenJson(exchangeConfidential(EHR_CLIENT, EHR_SECRET, queryOf(back).get("code"), EHR_REDIRECT, pkce.verifier()));
        assertThat(token).containsEntry("patient", "it-patient-dave");
    }

    @Test
    void whenLaunchPostedForAPatientTheUserMayNotActForThen400AndNoLaunch() {
        signIn("it-alice", "it-alice-password");
        Element form = parse(browser.get(URI.create("/portico/launch"))).selectFirst("form[id=launch-" + EHR_CLIENT + "]");
        Map<String, List<String>> fields = formFields(form);
        fields.put("patient", List.of("it-patient-bob"));
        HttpResponse<String> response = submit(form, fields);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void whenLaunchPostedWithoutCsrfTokenThenRefused() {
        signIn("it-alice", "it-alice-password");
        HttpResponse<String> response = browser.postForm(URI.create("/portico/launch"),
                SmartTestClient.form("client_id", EHR_CLIENT), Map.of());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void whenLaunchPageOpenedThenOnlyAppsWithALaunchUrlAreListed() {
        signIn("it-alice", "it-alice-password");
        Document page = parse(browser.get(URI.create("/portico/launch")));
        // apps other ITs registered with a launch_uri in the same database may be listed too
        assertThat(page.select("form.launch-form").eachAttr("id")).contains("launch-it-ehr", "launch-it-ehr-other")
                .doesNotContain("launch-it-public", "launch-it-confidential");
        assertThat(page.select("form.launch-form input[name=_csrf]")).hasSameSizeAs(page.select("form.launch-form"));
        // every visible field has a label
        for (Element input : page.select("input[type=text], input[type=radio]")) {
            assertThat(page.select("label[for=" + input.id() + "]")).as(input.id()).hasSize(1);
        }
    }

    @Test
    void whenLaunchPageOpenedWithoutSignInThenLoginFirst() {
        HttpResponse<String> response = browser.get(URI.create("/portico/launch"));
        assertThat(redirectOf(response).getPath()).isEqualTo("/login");
    }

    @Test
    void whenLaunchValueUnknownThenInvalidRequestWithStateAndNoCode() {
        signIn("it-alice", "it-alice-password");
        assertRejected(ehrAuthorize("no-such-launch-value-0123456789", "st-unknown", SmartTestClient.Pkce.create()), "st-unknown");
    }

    @Test
    void whenLaunchValueUsedTwiceThenSecondIsRejected() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        Page consent = follow(postAuthorize(ehrAuthorize(launch, "first", SmartTestClient.Pkce.create())));
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
        assertRejected(ehrAuthorize(launch, "second", SmartTestClient.Pkce.create()), "second");
    }

    @Test
    void whenLaunchValueExpiredThenRejected() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        jdbc.sql("UPDATE ehr_launches SET expires_at = ? WHERE used_at IS NULL AND expires_at > ?")
                .params(Timestamp.from(Instant.now().minusSeconds(1)), Timestamp.from(Instant.now()))
                .update();
        assertRejected(ehrAuthorize(launch, "st-expired", SmartTestClient.Pkce.create()), "st-expired");
    }

    @Test
    void whenLaunchValueMintedForAnotherClientThenRejected() {
        String launch = queryOf(launch("it-alice", "it-alice-password", "it-ehr-other", Map.of())).get("launch");
        assertRejected(ehrAuthorize(launch, "st-client", SmartTestClient.Pkce.create()), "st-client");
    }

    @Test
    void whenLaunchValueMintedForAnotherUserThenRejected() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        browser = new SmartTestClient(port);
        signIn("it-bob", "it-bob-password");
        assertRejected(ehrAuthorize(launch, "st-user", SmartTestClient.Pkce.create()), "st-user");
    }

    @Test
    void whenLaunchSentWithoutLaunchScopeThenRejected() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        Map<String, String> params = ehrAuthorize(launch, "st-scope", SmartTestClient.Pkce.create());
        params.put("scope", "openid fhirUser patient/Patient.rs");
        assertRejected(params, "st-scope");
    }

    @Test
    void whenLaunchValueUsedBeforeSignInThenCheckedAgainAfterSignIn() {
        String launch = launchValue(launch("it-alice", "it-alice-password", EHR_CLIENT, Map.of()));
        // another browser, not signed in: the request goes to the login page, then bob signs in
        browser = new SmartTestClient(port);
        HttpResponse<String> start = browser.get(browser.authorizeUri(ehrAuthorize(launch, "st-later", SmartTestClient.Pkce.create())));
        assertThat(redirectOf(start).getPath()).isEqualTo("/login");
        HttpResponse<String> login = browser.login("it-bob", "it-bob-password");
        HttpResponse<String> replay = browser.get(redirectOf(login));
        URI location = redirectOf(replay);
        assertThat(location.toString()).startsWith(EHR_REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", "st-later").doesNotContainKey("code");
    }

    @Test
    void whenSmartStyleRequestedWithoutAuthThenJson() {
        HttpResponse<String> response = browser.send(HttpRequest.newBuilder(browser.base.resolve("/smart-style.json"))
                .header("Origin", "https://ehr-app.example.org").GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(json(response.body())).containsKeys("color_background", "color_error", "color_highlight", "color_modal_backdrop",
                "color_success", "color_text", "dim_border_radius", "dim_font_size", "dim_spacing_size", "font_family_body",
                "font_family_heading");
    }

    void assertRejected(Map<String, String> params, String state) {
        for (boolean post : new boolean[] {true, false}) {
            HttpResponse<String> response = post ? postAuthorize(params) : browser.get(browser.authorizeUri(params));
            URI location = redirectOf(response);
            assertThat(location.toString()).startsWith(EHR_REDIRECT + "?");
            assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", state).doesNotContainKey("code");
        }
    }
}
