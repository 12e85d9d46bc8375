package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 3, EHR Practitioner App (G10 checklist §7.3), the Portico way: Portico's users are patients
 * and the portal is the "EHR", so the demo patient signs in on {@code /portico/launch} and opens the
 * app (with an Encounter of theirs, learnt through the API); the app authorizes by POST with the
 * {@code launch} value and Inferno's EHR scopes ({@code user/<26 types>.rs}).
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G10EhrLaunch {

    /** An EHR launch carried to the token endpoint. */
    record EhrLaunch(Response launchRedirect, Map<String, String> launchParams, AuthorizationRequest request,
            AuthorizationOutcome outcome, Response exchange) {

        TokenResponse tokens() {
            if (exchange == null || exchange.status() != 200) {
                throw new IllegalStateException("EHR launch yielded no tokens:\nlaunch: " + launchRedirect
                        + "\nauthorization:\n" + outcome + "\ntoken: " + exchange);
            }
            return new TokenResponse(exchange.json());
        }
    }

    /** Signs in on the portal, opens the app, follows to the app's launch URL, authorizes by POST, exchanges the code. */
    static EhrLaunch ehrLaunch(SmartClient smart, G10.App app, Credentials user, String encounter, String scope) {
        HttpSession browser = smart.newSession();
        Portal portal = smart.portal();
        Response redirect = portal.launch(browser, user, app.clientId(), null, encounter);
        Map<String, String> params = redirect.location().map(G10EhrLaunch::query).orElse(Map.of());
        if (!params.containsKey("launch")) {
            return new EhrLaunch(redirect, params, null, null, null);
        }
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = AuthorizationRequest.standalone(smart.discovery().authorizationEndpoint(),
                app.clientId(), G10.REDIRECT_URI, scope, URI.create(params.get("iss")), pkce).withLaunch(params.get("launch"));
        AuthorizationOutcome outcome = smart.loginDriver().authorizeByPost(browser, request, user,
                LoginDriver.Choices.approveAll());
        Response exchange = outcome.code()
                .map(code -> smart.exchangeCode(app.auth(), code, G10.REDIRECT_URI, pkce.verifier()))
                .orElse(null);
        return new EhrLaunch(redirect, params, request, outcome, exchange);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private final Deployment deployment;
    private final SmartClient smart;
    private G10.App app;
    private String encounter;
    private EhrLaunch launch;
    private TokenResponse tokens;
    private String refreshToken;

    G10EhrLaunch(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launch() {
        app = G10.apps(deployment).symmetric();
        Credentials user = G10.patientUser(deployment);
        // an Encounter of the patient's, learnt through the API as the patient's own app would
        TokenResponse own = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), user, G10.STANDALONE_V2,
                LoginDriver.Choices.approveAll()).tokens();
        Response encounters = smart.read("Encounter?patient=" + own.patient(), own.accessToken());
        encounter = encounters.json().path("entry").path(0).path("resource").path("id").asText(null);
        assertThat(encounter).as("the demo patient has an Encounter: " + encounters.describe()).isNotNull();
        launch = ehrLaunch(smart, app, user, encounter, G10.EHR_V2);
        tokens = launch.exchange() != null && launch.exchange().status() == 200 ? launch.tokens() : null;
        refreshToken = tokens == null ? null : tokens.refreshToken();
    }

    private TokenResponse tokens() {
        assertThat(tokens).as("EHR launch tokens: " + launch.exchange() + "\n" + launch.outcome()).isNotNull();
        return tokens;
    }

    @Test
    @Order(1)
    @DisplayName("3.8.01 launch received: the EHR opens the launch URL with iss = FHIR base exactly and launch")
    void row_3_8_01_launchReceived() {
        assertThat(launch.launchRedirect().isRedirect()).as(launch.launchRedirect().toString()).isTrue();
        assertThat(launch.launchRedirect().location().orElseThrow().toString()).startsWith(G10.LAUNCH_URI + "?");
        assertThat(launch.launchParams().get("iss")).isEqualTo(smart.fhirBase().toString());
        assertThat(launch.launchParams().get("launch")).isNotBlank();
    }

    @Test
    @Order(2)
    @DisplayName("3.8.02 TLS on the authorization endpoint")
    void row_3_8_02_tls() {
        G10Tls.assertModernTlsOnly(smart, smart.discovery().authorizationEndpoint());
    }

    @Test
    @Order(3)
    @DisplayName("3.8.03 authorize by POST with launch, aud, PKCE S256 -> code with state")
    void row_3_8_03_postAuthorize() {
        assertThat(launch.outcome().trail().get(0)).startsWith("POST ");
        assertThat(launch.outcome().code()).as(launch.outcome().describe()).isPresent();
        assertThat(launch.outcome().state()).contains(launch.request().state());
    }

    @Test
    @Order(4)
    @DisplayName("3.8.04 TLS on the token endpoint")
    void row_3_8_04_tls() {
        G10Tls.assertModernTlsOnly(smart, smart.discovery().tokenEndpoint());
    }

    @Test
    @Order(5)
    @DisplayName("3.8.05 code exchange (Basic) -> 200")
    void row_3_8_05_exchange() {
        assertThat(launch.exchange()).isNotNull();
        assertThat(launch.exchange().status()).as(launch.exchange().toString()).isEqualTo(200);
    }

    @Test
    @Order(6)
    @DisplayName("3.8.06 token body: access_token, token_type, expires_in number, scope")
    void row_3_8_06_body() {
        G10.assertTokenBody(launch.exchange());
    }

    @Test
    @Order(7)
    @DisplayName("3.8.07 Cache-Control no-store, Pragma no-cache")
    void row_3_8_07_headers() {
        G10.assertNoStore(launch.exchange());
    }

    @Test
    @Order(8)
    @DisplayName("3.8 / 6 user-level scopes: launch openid fhirUser offline_access granted, every resource scope user/")
    void row_3_8_userScopes() {
        assertThat(G10.scopeProblems(G10.EHR_V2, tokens().scope(), "launch", "user", true)).isEmpty();
    }

    @Test
    @Order(9)
    @DisplayName("3.8 / G2 unauthorized read -> 401")
    void row_3_8_unauthorized() {
        Response r = smart.http().get(smart.fhirUri("Patient/" + tokens().patient()), "Accept", "application/fhir+json");
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    @Order(10)
    @DisplayName("3.8 patient context: bare id, GET Patient/{patient} -> 200")
    void row_3_8_patientContext() {
        assertThat(tokens().patient()).isNotBlank().doesNotContain("/");
        Response r = smart.read("Patient/" + tokens().patient(), tokens().accessToken());
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
    }

    @Test
    @Order(11)
    @DisplayName("3.8 encounter context: encounter in the response, GET Encounter/{encounter} -> 200")
    void row_3_8_encounterContext() {
        assertThat(tokens().json().path("encounter").asText()).isEqualTo(encounter);
        Response r = smart.read("Encounter/" + encounter, tokens().accessToken());
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
    }

    @Test
    @Order(12)
    @DisplayName("3.8 smart_style_url present; GET without auth -> 200 JSON")
    void row_3_8_smartStyleUrl() {
        String url = tokens().json().path("smart_style_url").asText();
        assertThat(url).isNotBlank();
        Response r = smart.http().get(URI.create(url));
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        assertThat(r.json().isObject()).isTrue();
    }

    @Test
    @Order(13)
    @DisplayName("3.8 need_patient_banner present")
    void row_3_8_needPatientBanner() {
        assertThat(tokens().json().has("need_patient_banner")).isTrue();
    }

    @Test
    @Order(14)
    @DisplayName("3.8 / 5 fhirContext (SMART 2.2): array of objects with a relative reference")
    void row_3_8_fhirContext() {
        JsonNode context = tokens().json().get("fhirContext");
        assumeTrue(context != null, "fhirContext is optional");
        assertThat(context.isArray()).isTrue();
        for (JsonNode item : context) {
            assertThat(item.isObject()).isTrue();
            assertThat(item.path("reference").asText()).matches("[A-Z][A-Za-z]+/[A-Za-z0-9.-]+");
        }
    }

    @Test
    @Order(20)
    @DisplayName("3.10.01 id_token decodes; openid-configuration 200 with required fields")
    void row_3_10_01_openid() throws Exception {
        G10Oidc.decode(tokens().idToken());
        G10Oidc.openidConfiguration(smart);
    }

    @Test
    @Order(21)
    @DisplayName("3.10.02 id_token signature valid against jwks_uri (RS256, kid)")
    void row_3_10_02_signature() throws Exception {
        G10Oidc.assertSignatureValid(smart, tokens().idToken());
    }

    @Test
    @Order(22)
    @DisplayName("3.10.03 id_token claims iss, sub, aud = client_id, exp, iat")
    void row_3_10_03_claims() throws Exception {
        G10Oidc.assertClaims(smart, tokens().idToken(), app.clientId());
    }

    @Test
    @Order(23)
    @DisplayName("3.10.04 fhirUser (the signed-in patient, Portico's users are patients) readable with the token")
    void row_3_10_04_fhirUser() throws Exception {
        G10Oidc.assertFhirUserReadable(smart, tokens().idToken(), tokens().accessToken());
    }

    @Test
    @Order(30)
    @DisplayName("3.6.01 refresh without scope -> 200, body, headers, scope subset")
    void row_3_6_01_refreshWithoutScope() {
        Response r = smart.refresh(app.auth(), refreshToken, null);
        G10.assertTokenBody(r);
        G10.assertNoStore(r);
        assertThat(G10.scopes(r.json().path("scope").asText())).isSubsetOf(G10.scopes(tokens().scope()));
        refreshToken = r.json().path("refresh_token").asText(refreshToken);
    }

    @Test
    @Order(31)
    @DisplayName("3.6.02 refresh with scope = received -> 200; GET Patient/{id} with the new token -> 200")
    void row_3_6_02_refreshWithScope() {
        Response r = smart.refresh(app.auth(), refreshToken, tokens().scope());
        G10.assertTokenBody(r);
        G10.assertNoStore(r);
        refreshToken = r.json().path("refresh_token").asText(refreshToken);
        Response read = smart.read("Patient/" + tokens().patient(), r.json().path("access_token").asText());
        assertThat(read.status()).as(read.describe()).isEqualTo(200);
    }

    @Test
    @Order(32)
    @DisplayName("3.6.03 refresh with a random refresh token -> 400/401")
    void row_3_6_03_invalidRefresh() {
        G10.assertOAuthError(smart.refresh(app.auth(), UUID.randomUUID().toString(), null), 400, 401);
    }
}
