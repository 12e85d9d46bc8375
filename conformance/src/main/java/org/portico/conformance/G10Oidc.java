package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.util.Date;
import java.util.List;

/** The OpenID Connect group (1.11 [1.10], 3.10 [3.9]) as Inferno runs it on an id_token. */
final class G10Oidc {

    private G10Oidc() {}

    static SignedJWT decode(String idToken) throws Exception {
        assertThat(idToken).as("id_token").isNotBlank();
        return SignedJWT.parse(idToken);
    }

    static JsonNode openidConfiguration(SmartClient smart) {
        URI issuer = smart.discovery().issuer();
        Response r = smart.http().get(URI.create(issuer + "/.well-known/openid-configuration"));
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode json = r.json();
        for (String field : List.of("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported")) {
            assertThat(json.has(field)).as("openid-configuration has " + field).isTrue();
        }
        List<String> algs = new java.util.ArrayList<>();
        json.path("id_token_signing_alg_values_supported").forEach(a -> algs.add(a.asText()));
        assertThat(algs).contains("RS256");
        return json;
    }

    static void assertSignatureValid(SmartClient smart, String idToken) throws Exception {
        JsonNode config = openidConfiguration(smart);
        Response jwks = smart.http().get(URI.create(config.path("jwks_uri").asText()));
        assertThat(jwks.status()).as(jwks.describe()).isEqualTo(200);
        JWKSet set = JWKSet.parse(jwks.body());
        List<JWK> rsa = set.getKeys().stream().filter(k -> KeyType.RSA.equals(k.getKeyType())).toList();
        assertThat(rsa).as("keys has at least one RSA JWK").isNotEmpty();
        SignedJWT jwt = decode(idToken);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        String kid = jwt.getHeader().getKeyID();
        if (rsa.size() > 1) {
            assertThat(kid).as("kid required with more than one RSA key").isNotBlank();
        }
        RSAKey key = (kid == null ? rsa.get(0) : set.getKeyByKeyId(kid)).toRSAKey();
        assertThat(key).as("the key named by kid").isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).as("id_token signature").isTrue();
    }

    static void assertClaims(SmartClient smart, String idToken, String clientId) throws Exception {
        JsonNode config = openidConfiguration(smart);
        JWTClaimsSet claims = decode(idToken).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(config.path("issuer").asText());
        assertThat(claims.getSubject()).isNotBlank().hasSizeLessThanOrEqualTo(255);
        assertThat(claims.getAudience()).contains(clientId);
        assertThat(claims.getExpirationTime()).isAfter(new Date(System.currentTimeMillis() - 60_000));
        assertThat(claims.getIssueTime()).isNotNull();
    }

    /** fhirUser: a URL ending in Patient|Practitioner|RelatedPerson|Person/id, readable with the access token. */
    static void assertFhirUserReadable(SmartClient smart, String idToken, String accessToken) throws Exception {
        String fhirUser = decode(idToken).getJWTClaimsSet().getStringClaim("fhirUser");
        assertThat(fhirUser).as("fhirUser claim").isNotBlank();
        String[] segments = URI.create(fhirUser).getPath().split("/");
        assertThat(segments.length).isGreaterThanOrEqualTo(2);
        assertThat(segments[segments.length - 2]).isIn("Patient", "Practitioner", "RelatedPerson", "Person");
        Response r = smart.http().getWithToken(URI.create(fhirUser), accessToken, "Accept", "application/fhir+json");
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        assertThat(r.json().path("resourceType").asText()).isEqualTo(segments[segments.length - 2]);
    }
}
