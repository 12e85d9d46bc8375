package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 1, Standalone Patient App, full access (G10 checklist §7.1): a confidential symmetric client,
 * registered by dynamic registration, authorizes by GET with Inferno's SMART 2 standalone scopes; the
 * token response rows of §5 and the scope rows of §6 are checked on this launch.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10StandaloneLaunch {

    private final Deployment deployment;
    private final SmartClient smart;
    private G10.App app;
    private Launch launch;
    private TokenResponse tokens;

    G10StandaloneLaunch(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launch() {
        app = G10.apps(deployment).symmetric();
        launch = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), G10.patientUser(deployment), G10.STANDALONE_V2,
                LoginDriver.Choices.approveAll());
        tokens = launch.tokens();
    }

    @Test
    @DisplayName("1.9.01 TLS on the authorization endpoint")
    void row_1_9_01_tlsAuthorize() {
        G10Tls.assertModernTlsOnly(smart, smart.discovery().authorizationEndpoint());
    }

    @Test
    @DisplayName("1.9.02 authorization request by GET with PKCE S256 and aud = FHIR base")
    void row_1_9_02_redirect() {
        assertThat(launch.authorization().trail().get(0)).startsWith("GET ");
        assertThat(launch.request().codeChallengeMethod()).isEqualTo("S256");
        assertThat(launch.request().aud()).isEqualTo(smart.fhirBase().toString());
        assertThat(launch.authorization().redirectedToClient()).as(launch.authorization().describe()).isTrue();
    }

    @Test
    @DisplayName("1.9.03 code returned with the original state (G6)")
    void row_1_9_03_codeAndState() {
        assertThat(launch.authorization().code()).as(launch.authorization().describe()).isPresent();
        assertThat(launch.authorization().state()).contains(launch.request().state());
        assertThat(launch.authorization().error()).isEmpty();
    }

    @Test
    @DisplayName("1.9.04 TLS on the token endpoint")
    void row_1_9_04_tlsToken() {
        G10Tls.assertModernTlsOnly(smart, smart.discovery().tokenEndpoint());
    }

    @Test
    @DisplayName("1.9.05 code exchange with HTTP Basic, code, redirect_uri, grant_type, code_verifier -> 200 JSON")
    void row_1_9_05_codeExchange() {
        assertThat(launch.tokenExchange().status()).as(launch.tokenExchange().toString()).isEqualTo(200);
        assertThat(launch.tokenExchange().contentType()).startsWith("application/json");
    }

    @Test
    @DisplayName("1.9.06 / 5 token body: access_token, token_type Bearer, expires_in number, scope")
    void row_1_9_06_tokenBody() {
        G10.assertTokenBody(launch.tokenExchange());
    }

    @Test
    @DisplayName("1.9.07 / G3 Cache-Control: no-store, Pragma: no-cache")
    void row_1_9_07_headers() {
        G10.assertNoStore(launch.tokenExchange());
    }

    @Test
    @DisplayName("1.9.08 CORS on the token endpoint (omitted by Inferno: confidential client)")
    void row_1_9_08_cors() {
        assumeTrue(false, "omitted by Inferno for a confidential client; the public-client CORS check is in StandaloneLaunchChecks");
    }

    @Test
    @DisplayName("5 refresh_token: a string when offline_access was requested")
    void row_5_refreshToken() {
        assertThat(tokens.json().path("refresh_token").isTextual()).isTrue();
    }

    @Test
    @DisplayName("5 id_token: present when openid fhirUser was requested")
    void row_5_idToken() {
        assertThat(tokens.json().path("id_token").isTextual()).isTrue();
    }

    @Test
    @DisplayName("5 patient: a bare logical id; GET Patient/{patient} -> 200 Patient")
    void row_5_patientContext() {
        assertThat(tokens.json().path("patient").isTextual()).isTrue();
        assertThat(tokens.patient()).isNotBlank().doesNotContain("/");
        Response r = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        assertThat(r.json().path("resourceType").asText()).isEqualTo("Patient");
        assertThat(r.json().path("id").asText()).isEqualTo(tokens.patient());
    }

    @Test
    @DisplayName("5 fhirContext: if present, an array of objects with reference/canonical/identifier (SMART 2.2)")
    void row_5_fhirContext() {
        JsonNode context = tokens.json().get("fhirContext");
        if (context == null) {
            return; // optional: absence passes in Inferno
        }
        assertThat(context.isArray()).isTrue();
        for (JsonNode item : context) {
            assertThat(item.isObject()).as("fhirContext item " + item).isTrue();
            assertThat(item.has("reference") || item.has("canonical") || item.has("identifier")).isTrue();
            if (item.has("reference")) {
                assertThat(item.path("reference").asText()).matches("[A-Z][A-Za-z]+/[A-Za-z0-9.-]+");
            }
        }
    }

    @Test
    @DisplayName("6 / 1.9 scopes: requested and received per smart_scopes_test (patient/, v2, compartment types)")
    void row_6_standaloneScopes() {
        assertThat(G10.scopeProblems(G10.STANDALONE_V2, tokens.scope(), "launch/patient", "patient", true)).isEmpty();
    }

    @Test
    @DisplayName("1.9 / G2 GET Patient/{id} without token -> 401")
    void row_1_9_unauthorizedRead() {
        Response r = smart.http().get(smart.fhirUri("Patient/" + tokens.patient()), "Accept", "application/fhir+json");
        assertThat(r.status()).as(r.describe()).isEqualTo(401);
    }

    @Test
    @DisplayName("1.11.01 id_token decodes as a JWT")
    void row_1_11_decode() throws Exception {
        assertThat(G10Oidc.decode(tokens.idToken()).getJWTClaimsSet()).isNotNull();
    }

    @Test
    @DisplayName("1.11.02 {iss}/.well-known/openid-configuration -> 200 JSON with the required fields, RS256")
    void row_1_11_openidConfiguration() {
        G10Oidc.openidConfiguration(smart);
    }

    @Test
    @DisplayName("1.11.03 jwks_uri -> 200 with an RSA key; id_token RS256, kid matches, signature valid")
    void row_1_11_signature() throws Exception {
        G10Oidc.assertSignatureValid(smart, tokens.idToken());
    }

    @Test
    @DisplayName("1.11.04 id_token claims iss, sub (<=255), aud = client_id, exp, iat")
    void row_1_11_claims() throws Exception {
        G10Oidc.assertClaims(smart, tokens.idToken(), app.clientId());
    }

    @Test
    @DisplayName("1.11.05 fhirUser claim names a Patient/Practitioner/RelatedPerson/Person readable with the token")
    void row_1_11_fhirUser() throws Exception {
        G10Oidc.assertFhirUserReadable(smart, tokens.idToken(), tokens.accessToken());
    }

    @Test
    @DisplayName("1.7 unrestricted access: received scopes give read to every US Core 7 type")
    void row_1_7_scopes() {
        assertThat(G10.typesWithoutRead(tokens.scope())).isEmpty();
    }

    @Test
    @DisplayName("1.7 unrestricted access: one search per type -> 200")
    void row_1_7_searches() {
        assertThat(G10.failedSearches(smart, tokens.accessToken(), G10.unrestrictedSearches(tokens.patient()))).isEmpty();
    }

    @Test
    @DisplayName("1.02/1.03 TLS version bookkeeping (SSL 3.0, TLS 1.0/1.1 refused by the FHIR and the authorization server)")
    void row_1_02_tlsVersions() {
        G10Tls.assertLegacyVersionsRefused(List.of(smart.fhirBase(), smart.discovery().authorizationEndpoint(),
                smart.discovery().tokenEndpoint()));
    }
}
