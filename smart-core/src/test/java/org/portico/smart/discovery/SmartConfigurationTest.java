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
        assertThat(json).doesNotContainKey("introspection_endpoint");
    }

    @Test
    void whenWalkingSkeletonThenRequiredCapabilitiesAdvertised() {
        assertThat(SmartConfiguration.PORTICO_CAPABILITIES).contains(
                "launch-standalone", "client-public", "client-confidential-symmetric", "context-standalone-patient",
                "permission-patient", "permission-v1", "permission-v2", "sso-openid-connect", "permission-offline");
        // not built yet: claiming them would send apps down paths that fail
        assertThat(SmartConfiguration.PORTICO_CAPABILITIES).doesNotContain("launch-ehr", "client-confidential-asymmetric");
    }

    @Test
    void whenEveryAdvertisedScopeParsedThenKnown() {
        for (String scope : SmartConfiguration.PORTICO_SCOPES) {
            assertThat(org.portico.smart.scope.ScopeParser.parse(scope).isKnown()).as(scope).isTrue();
        }
    }
}
