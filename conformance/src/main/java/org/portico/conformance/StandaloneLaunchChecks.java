package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.util.Arrays;
import java.security.Key;
import java.util.Date;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.portico.smart.claims.SmartClaims;

/**
 * A standalone patient launch by the demo public client with PKCE, as Inferno's scenario 1 does it
 * (G10 checklist §4, §5, G3, G8), then the patient's own data with the token.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneLaunchChecks {

    static final String SCOPE = "launch/patient openid fhirUser offline_access patient/Patient.rs patient/Observation.rs";
    private static final String ORIGIN = "https://app.example.org";

    private final Deployment deployment;
    private final SmartClient smart;
    private final ClientRegistration client;
    private Launch launch;
    private TokenResponse tokens;

    StandaloneLaunchChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.client = deployment.demo().publicClient();
    }

    @BeforeAll
    void launchAsFirstDemoUser() {
        launch = smart.launch(client, deployment.demo().user(0), SCOPE);
        tokens = launch.tokens();
    }

    @Test
    void redirectCarriesCodeAndOriginalState() {
        assertThat(launch.authorization().redirectedToClient()).as(launch.authorization().describe()).isTrue();
        assertThat(launch.authorization().code()).isPresent();
        assertThat(launch.authorization().state()).contains(launch.request().state());
    }

    @Test
    void tokenResponseHasBearerAccessToken() {
        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(tokens.tokenType()).isEqualToIgnoringCase("Bearer");
    }

    @Test
    void tokenResponseExpiresInIsANumber() {
        JsonNode expiresIn = tokens.json().get("expires_in");
        assertThat(expiresIn).as("expires_in").isNotNull();
        assertThat(expiresIn.isNumber()).as("expires_in is a JSON number: " + expiresIn).isTrue();
        assertThat(expiresIn.asLong()).isPositive();
    }

    @Test
    void tokenResponseScopeGrantsEverythingRequested() {
        assertThat(tokens.scope()).as("scope").isNotNull();
        assertThat(Arrays.asList(tokens.scope().split(" "))).containsAll(Arrays.asList(SCOPE.split(" ")));
    }

    @Test
    void tokenResponseNamesPatientByBareId() {
        assertThat(tokens.patient()).isNotBlank().doesNotContain("/");
    }

    @Test
    void tokenResponseHasRefreshTokenForOfflineAccess() {
        assertThat(tokens.refreshToken()).isNotBlank();
    }

    @Test
    void tokenResponseIsNotCacheable() {
        assertThat(launch.tokenExchange().header("Cache-Control")).as("Cache-Control")
                .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
    }

    @Test
    void tokenResponseSendsPragmaNoCache() {
        assertThat(launch.tokenExchange().header("Pragma")).as("Pragma").contains("no-cache");
    }

    @Test
    void idTokenIsSignedByIssuerAndNamesFhirUser() throws Exception {
        assertThat(tokens.idToken()).as("id_token").isNotBlank();
        URI issuer = smart.discovery().issuer();
        Response openid = smart.http().get(URI.create(issuer + "/.well-known/openid-configuration"));
        assertThat(openid.status()).as(openid.describe()).isEqualTo(200);
        Response jwks = smart.http().get(URI.create(openid.json().path("jwks_uri").asText()));
        assertThat(jwks.status()).as(jwks.describe()).isEqualTo(200);

        SignedJWT idToken = SignedJWT.parse(tokens.idToken());
        JWKSet keys = JWKSet.parse(jwks.body());
        JWK key = idToken.getHeader().getKeyID() != null
                ? keys.getKeyByKeyId(idToken.getHeader().getKeyID())
                : keys.getKeys().get(0);
        assertThat(key).as("the id_token's key in the issuer's JWKS").isNotNull();
        Key publicKey = key instanceof ECKey ec ? ec.toPublicKey() : key.toRSAKey().toPublicKey();
        JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(idToken.getHeader(), publicKey);
        assertThat(idToken.verify(verifier)).as("id_token signature").isTrue();

        JWTClaimsSet claims = idToken.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(openid.json().path("issuer").asText());
        assertThat(claims.getAudience()).contains(client.clientId());
        assertThat(claims.getExpirationTime()).isAfter(new Date());
        assertThat(claims.getStringClaim(SmartClaims.FHIR_USER)).as("fhirUser")
                .isNotBlank()
                .endsWith("Patient/" + tokens.patient());
    }

    @Test
    void patientInContextIsReadable() {
        Response response = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
        assertThat(response.json().path("resourceType").asText()).isEqualTo("Patient");
        assertThat(response.json().path("id").asText()).isEqualTo(tokens.patient());
    }

    @Test
    void observationSearchReturnsOnlyThePatientsObservations() {
        Response response = smart.read("Observation?patient=" + tokens.patient(), tokens.accessToken());
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
        JsonNode bundle = response.json();
        assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.path("entry")).as("the demo patient has observations").isNotEmpty();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            assertThat(resource.path("resourceType").asText()).isEqualTo("Observation");
            assertThat(resource.path("subject").path("reference").asText())
                    .as("subject of Observation/" + resource.path("id").asText())
                    .matches("(.*/)?Patient/" + Pattern.quote(tokens.patient()));
        }
    }

    @Test
    void fhirReadAllowsCrossOriginRequests() {
        Response response = smart.read("Patient/" + tokens.patient(), tokens.accessToken(), "Origin", ORIGIN);
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
        assertThat(response.header("Access-Control-Allow-Origin")).as("Access-Control-Allow-Origin")
                .hasValueSatisfying(value -> assertThat(value).isIn(ORIGIN, "*"));
    }

    @Test
    void tokenEndpointAllowsCrossOriginRequestsFromPublicClients() {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = smart.authorizationRequest(client, SCOPE, pkce);
        AuthorizationOutcome outcome = smart.authorize(request, deployment.demo().user(0));
        assertThat(outcome.code()).as(outcome.describe()).isPresent();

        Response exchange = smart.exchangeCode(client, outcome.code().get(), request.redirectUri(), pkce.verifier(),
                "Origin", ORIGIN);
        assertThat(exchange.status()).as(exchange.describe()).isEqualTo(200);
        assertThat(exchange.header("Access-Control-Allow-Origin")).as("Access-Control-Allow-Origin")
                .hasValueSatisfying(value -> assertThat(value).isIn(ORIGIN, "*"));
    }
}
