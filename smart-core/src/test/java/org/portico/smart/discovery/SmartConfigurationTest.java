package org.portico.smart.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmartConfigurationTest {

    @Test
    void whenPorticoConfigurationThenEndpointsDerivedFromIssuer() {
        Map<String, Object> json = SmartConfiguration.portico(URI.create("https://auth.example.org/")).toJson();

        assertThat(json.get("issuer")).isEqualTo("https://auth.example.org");
        assertThat(json.get("authorization_endpoint")).isEqualTo("https://auth.example.org/oauth2/authorize");
        assertThat(json.get("token_endpoint")).isEqualTo("https://auth.example.org/oauth2/token");
        assertThat(json.get("jwks_uri")).isEqualTo("https://auth.example.org/oauth2/jwks");
        assertThat(json.get("code_challenge_methods_supported")).isEqualTo(java.util.List.of("S256"));
        assertThat(json).containsKeys("grant_types_supported", "scopes_supported", "response_types_supported", "capabilities");
        assertThat(json.get("introspection_endpoint")).isEqualTo("https://auth.example.org/oauth2/introspect");
        assertThat(json.get("revocation_endpoint")).isEqualTo("https://auth.example.org/oauth2/revoke");
        assertThat(json.get("management_endpoint")).isEqualTo("https://auth.example.org/account/apps");
        assertThat(json.get("registration_endpoint")).isEqualTo("https://auth.example.org/connect/register");
        assertThat(json.get("token_endpoint_auth_methods_supported"))
                .isEqualTo(java.util.List.of("client_secret_basic", "private_key_jwt", "none"));
        assertThat(json.get("token_endpoint_auth_signing_alg_values_supported")).isEqualTo(java.util.List.of("RS384", "ES384"));
        assertThat(json.get("grant_types_supported")).isEqualTo(java.util.List.of("authorization_code", "refresh_token", "client_credentials"));
    }

    @Test
    void whenG10CapabilitiesThenAdvertised() {
        // checklist section 3: the union over the standalone, EHR and v1-scope scenarios
        assertThat(SmartConfiguration.PORTICO_CAPABILITIES).contains(
                "launch-standalone", "launch-ehr", "authorize-post", "client-public", "client-confidential-symmetric",
                "client-confidential-asymmetric", "sso-openid-connect", "context-standalone-patient",
                "context-ehr-patient", "context-ehr-encounter", "context-banner", "context-style",
                "permission-patient", "permission-user", "permission-v1", "permission-v2", "permission-offline");
    }

    @Test
    void whenEveryAdvertisedScopeParsedThenKnown() {
        for (String scope : SmartConfiguration.PORTICO_SCOPES) {
            assertThat(org.portico.smart.scope.ScopeParser.parse(scope).isKnown()).as(scope).isTrue();
        }
    }
}
