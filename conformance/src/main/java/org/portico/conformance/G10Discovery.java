package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** G10 checklist §3 (discovery), run as 1.8 [1.2] and 3.7 [3.2] run it, with the capability columns of §3. */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10Discovery {

    private static final String ORIGIN = "https://inferno.example.org";
    private static final List<String> STANDALONE = List.of("launch-standalone", "client-public",
            "client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect",
            "context-standalone-patient", "permission-offline", "permission-patient", "authorize-post", "permission-v1",
            "permission-v2");
    private static final List<String> EHR = List.of("launch-ehr", "client-confidential-symmetric",
            "client-confidential-asymmetric", "sso-openid-connect", "context-ehr-patient", "context-ehr-encounter",
            "context-banner", "context-style", "permission-offline", "permission-user", "authorize-post", "permission-v1",
            "permission-v2");
    private static final List<String> V1_SCOPES = List.of("launch-standalone", "client-public",
            "client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect",
            "context-standalone-patient", "permission-offline", "permission-patient", "authorize-post", "permission-v1",
            "permission-v2");

    private final SmartClient smart;
    private Response wellKnown;
    private JsonNode json;

    G10Discovery(Deployment deployment) {
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void fetch() {
        wellKnown = smart.http().get(smart.fhirUri(".well-known/smart-configuration"), "Accept", "application/json");
        json = wellKnown.json();
    }

    @Test
    @DisplayName("3 / G7 well-known: GET {fhirBase}/.well-known/smart-configuration -> 200, JSON, application/json")
    void row_3_wellKnown200Json() {
        assertThat(wellKnown.status()).as(wellKnown.describe()).isEqualTo(200);
        assertThat(wellKnown.contentType()).startsWith("application/json");
        assertThat(json.isObject()).isTrue();
    }

    @Test
    @DisplayName("3 required fields: authorization_endpoint, token_endpoint, issuer, jwks_uri are strings")
    void row_3_requiredStringFields() {
        for (String field : List.of("authorization_endpoint", "token_endpoint", "issuer", "jwks_uri")) {
            assertThat(json.path(field).isTextual()).as(field + " is a string").isTrue();
            assertThat(json.path(field).asText()).as(field).isNotBlank();
        }
    }

    @Test
    @DisplayName("3 capabilities: an array of strings")
    void row_3_capabilitiesArrayOfStrings() {
        assertThat(json.path("capabilities").isArray()).isTrue();
        json.path("capabilities").forEach(c -> assertThat(c.isTextual()).as("capability " + c).isTrue());
    }

    @Test
    @DisplayName("3 grant_types_supported: array including authorization_code")
    void row_3_grantTypesAuthorizationCode() {
        assertThat(json.path("grant_types_supported").isArray()).isTrue();
        assertThat(strings("grant_types_supported")).contains("authorization_code");
    }

    @Test
    @DisplayName("3 code_challenge_methods_supported: includes S256, not plain")
    void row_3_codeChallengeMethods() {
        assertThat(json.path("code_challenge_methods_supported").isArray()).isTrue();
        assertThat(strings("code_challenge_methods_supported")).contains("S256").doesNotContain("plain");
    }

    @Test
    @DisplayName("3 introspection_endpoint, revocation_endpoint, management_endpoint, registration_endpoint advertised")
    void row_3_optionalEndpoints() {
        for (String field : List.of("introspection_endpoint", "revocation_endpoint", "management_endpoint",
                "registration_endpoint")) {
            assertThat(json.path(field).isTextual()).as(field + " is a string").isTrue();
        }
    }

    @Test
    @DisplayName("3 backend services: private_key_jwt, RS384+ES384, client_credentials, scopes_supported")
    void row_3_backendServicesFields() {
        assertThat(strings("token_endpoint_auth_methods_supported")).contains("private_key_jwt");
        assertThat(strings("token_endpoint_auth_signing_alg_values_supported")).contains("RS384", "ES384");
        assertThat(strings("grant_types_supported")).contains("client_credentials");
        assertThat(json.path("scopes_supported").isArray()).as("scopes_supported is an array").isTrue();
    }

    @Test
    @DisplayName("1.8 [1.2] capabilities of scenario 1 (standalone column of §3)")
    void row_1_8_standaloneCapabilities() {
        assertThat(strings("capabilities")).containsAll(STANDALONE);
    }

    @Test
    @DisplayName("3.7 [3.2] capabilities of scenario 3 (EHR column of §3)")
    void row_3_7_ehrCapabilities() {
        assertThat(strings("capabilities")).containsAll(EHR);
    }

    @Test
    @DisplayName("9.22 capabilities of the v1-scopes launch (9.22 column of §3)")
    void row_9_22_capabilities() {
        assertThat(strings("capabilities")).containsAll(V1_SCOPES);
    }

    @Test
    @DisplayName("3 / G8 CORS on .well-known/smart-configuration")
    void row_3_corsWellKnown() {
        Response r = smart.http().get(smart.fhirUri(".well-known/smart-configuration"), "Origin", ORIGIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).hasValueSatisfying(v -> assertThat(v).isIn(ORIGIN, "*"));
    }

    @Test
    @DisplayName("3 / G8 CORS on /metadata")
    void row_3_corsMetadata() {
        Response r = smart.http().get(smart.fhirUri("metadata"), "Origin", ORIGIN, "Accept", "application/fhir+json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).hasValueSatisfying(v -> assertThat(v).isIn(ORIGIN, "*"));
    }

    @Test
    @DisplayName("3 /metadata keeps the oauth-uris extension (authorize, token) matching discovery")
    void row_3_metadataOauthUris() {
        Response r = smart.http().get(smart.fhirUri("metadata"), "Accept", "application/fhir+json");
        List<String> found = new ArrayList<>();
        for (JsonNode rest : r.json().path("rest")) {
            for (JsonNode ext : rest.path("security").path("extension")) {
                if (ext.path("url").asText().endsWith("oauth-uris")) {
                    for (JsonNode inner : ext.path("extension")) {
                        found.add(inner.path("url").asText() + "=" + inner.path("valueUri").asText());
                    }
                }
            }
        }
        assertThat(found).contains("authorize=" + json.path("authorization_endpoint").asText(),
                "token=" + json.path("token_endpoint").asText());
    }

    private List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        json.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }
}
