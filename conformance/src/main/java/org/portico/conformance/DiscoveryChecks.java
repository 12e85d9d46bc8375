package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.portico.smart.discovery.Capability;

/** SMART App Launch 2.x discovery (G10 checklist §3, G7, G8) and the CapabilityStatement's oauth-uris. */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryChecks {

    private static final String ORIGIN = "https://app.example.org";
    private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private final SmartClient smart;
    private Response wellKnown;
    private JsonNode document;

    DiscoveryChecks(Deployment deployment) {
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void fetchDiscoveryDocument() {
        wellKnown = smart.http().get(smart.fhirUri(".well-known/smart-configuration"), "Accept", "application/json");
        document = wellKnown.status() == 200 ? wellKnown.json() : null;
    }

    @Test
    void smartConfigurationIsServedAsJson() {
        assertThat(wellKnown.status()).as(wellKnown.describe()).isEqualTo(200);
        assertThat(wellKnown.contentType()).startsWith("application/json");
        assertThat(document.isObject()).isTrue();
    }

    @Test
    void smartConfigurationNamesAuthorizationAndTokenEndpoints() {
        assertThat(text("authorization_endpoint")).startsWith("http");
        assertThat(text("token_endpoint")).startsWith("http");
    }

    @Test
    void smartConfigurationNamesIssuerAndJwksForOpenIdConnect() {
        assertThat(text("issuer")).startsWith("http");
        assertThat(text("jwks_uri")).startsWith("http");
    }

    @Test
    void smartConfigurationListsRequiredCapabilities() {
        assertThat(strings("capabilities")).contains(
                Capability.LAUNCH_STANDALONE,
                Capability.CLIENT_PUBLIC,
                Capability.CLIENT_CONFIDENTIAL_SYMMETRIC,
                Capability.CONTEXT_STANDALONE_PATIENT,
                Capability.PERMISSION_PATIENT,
                Capability.PERMISSION_V1,
                Capability.PERMISSION_V2,
                Capability.SSO_OPENID_CONNECT,
                Capability.PERMISSION_OFFLINE);
    }

    @Test
    void smartConfigurationOffersOnlyS256CodeChallenges() {
        assertThat(strings("code_challenge_methods_supported")).containsExactly("S256");
    }

    @Test
    void smartConfigurationSupportsAuthorizationCodeGrant() {
        assertThat(strings("grant_types_supported")).contains("authorization_code");
    }

    @Test
    void smartConfigurationListsScopesAndResponseTypes() {
        assertThat(document.path("scopes_supported").isArray()).as("scopes_supported is an array").isTrue();
        assertThat(strings("scopes_supported")).isNotEmpty();
        assertThat(document.path("response_types_supported").isArray()).as("response_types_supported is an array").isTrue();
        assertThat(strings("response_types_supported")).contains("code");
    }

    @Test
    void smartConfigurationAllowsCrossOriginReads() {
        Response response = smart.http().get(smart.fhirUri(".well-known/smart-configuration"),
                "Accept", "application/json", "Origin", ORIGIN);
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
        assertThat(response.header("Access-Control-Allow-Origin")).as("Access-Control-Allow-Origin")
                .hasValueSatisfying(value -> assertThat(value).isIn(ORIGIN, "*"));
    }

    @Test
    void capabilityStatementOauthUrisMatchDiscovery() {
        Response metadata = smart.http().get(smart.fhirUri("metadata"), "Accept", "application/fhir+json");
        assertThat(metadata.status()).as(metadata.describe()).isEqualTo(200);
        JsonNode oauthUris = null;
        for (JsonNode rest : metadata.json().path("rest")) {
            for (JsonNode extension : rest.path("security").path("extension")) {
                if (OAUTH_URIS.equals(extension.path("url").asText())) {
                    oauthUris = extension;
                }
            }
        }
        assertThat(oauthUris).as("rest.security extension " + OAUTH_URIS).isNotNull();
        assertThat(subExtension(oauthUris, "authorize")).isEqualTo(text("authorization_endpoint"));
        assertThat(subExtension(oauthUris, "token")).isEqualTo(text("token_endpoint"));
    }

    private String text(String field) {
        assertThat(document).as("the discovery document (" + wellKnown.describe() + ")").isNotNull();
        JsonNode value = document.path(field);
        assertThat(value.isTextual()).as(field + " is a string").isTrue();
        return value.asText();
    }

    private List<String> strings(String field) {
        assertThat(document).as("the discovery document (" + wellKnown.describe() + ")").isNotNull();
        List<String> values = new ArrayList<>();
        document.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String subExtension(JsonNode extension, String url) {
        for (JsonNode sub : extension.path("extension")) {
            if (url.equals(sub.path("url").asText())) {
                return sub.path("valueUri").asText(null);
            }
        }
        return null;
    }
}
