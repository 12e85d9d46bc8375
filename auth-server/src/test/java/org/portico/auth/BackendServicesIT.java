package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SMART Backend Services: {@code client_credentials} with a {@code private_key_jwt} assertion (checklist 7.5,
 * 8.1), keys inline or from a {@code jwks_uri} on a real HTTP server, and every way an assertion is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendServicesIT extends ClientAuthItSupport {

    static final String INLINE_CLIENT = "it-backend-inline";
    static final String URI_CLIENT = "it-backend-uri";
    static final String ROTATING_CLIENT = "it-backend-rotating";
    static final String DOWN_CLIENT = "it-backend-down";
    static final String CACHE_CLIENT = "it-backend-cache";

    final RSAKey rsa = rsaKey("rs384-inline");
    final ECKey ec = ecKey("es384-uri");
    final RSAKey rotating1 = rsaKey("rotating-1");

    @BeforeAll
    void registerClients() {
        Map<String, Object> inline = backendClient(INLINE_CLIENT, "system/*.rs");
        inline.put("jwks", jwksJson(rsa));
        register(inline);

        Map<String, Object> byUri = backendClient(URI_CLIENT, "system/Patient.rs system/Observation.rs");
        byUri.put("jwks_uri", JWKS_SERVER.serve("/uri/jwks.json", publicJwks(ec), "public, max-age=2"));
        register(byUri);

        Map<String, Object> cacheClient = backendClient(CACHE_CLIENT, "system/Patient.rs");
        cacheClient.put("jwks_uri", JWKS_SERVER.serve("/cache/jwks.json", publicJwks(ec), "public, max-age=2"));
        register(cacheClient);

        Map<String, Object> rotatingClient = backendClient(ROTATING_CLIENT, "system/*.rs");
        rotatingClient.put("jwks_uri", JWKS_SERVER.serve("/rotating/jwks.json", publicJwks(rotating1), "max-age=3600"));
        register(rotatingClient);

        Map<String, Object> down = backendClient(DOWN_CLIENT, "system/*.rs");
        down.put("jwks_uri", JWKS_SERVER.url("/nothing-here/jwks.json"));
        register(down);
    }

    @Test
    void whenRs384AssertionWithInlineJwksThenSystemTokenWithoutPatientContext() throws Exception {
        HttpResponse<String> response = backendToken("system/*.rs", assertion(INLINE_CLIENT, rsa));
        Map<String, Object> body = assertTokenResponse(response);
        assertThat(body.get("scope")).isEqualTo("system/*.rs");
        assertThat(((Number) body.get("expires_in")).longValue()).isBetween(3590L, 3600L);
        assertThat(body).doesNotContainKeys("refresh_token", "id_token", "patient");

        JWTClaimsSet access = verified((String) body.get("access_token"));
        assertThat(access.getIssuer()).isEqualTo(ISSUER);
        assertThat(access.getAudience()).containsExactly(FHIR_BASE);
        assertThat(access.getSubject()).isEqualTo(INLINE_CLIENT);
        assertThat(access.getStringClaim("client_id")).isEqualTo(INLINE_CLIENT);
        assertThat(access.getStringClaim("scope")).isEqualTo("system/*.rs");
        assertThat(access.getStringClaim("portico_grant")).isNotBlank();
        assertThat(access.getClaims()).doesNotContainKeys("patient", "fhirUser");
    }

    @Test
    void whenEs384AssertionWithJwksUriThenTokenAndCacheControlIsHonoured() throws Exception {
        assertTokenResponse(backendToken("system/Patient.rs", assertion(CACHE_CLIENT, ec)));
        assertTokenResponse(backendToken("system/Patient.rs", assertion(CACHE_CLIENT, ec)));
        // max-age=2: the second request used the cached copy
        assertThat(JWKS_SERVER.fetches("/cache/jwks.json")).isEqualTo(1);

        Thread.sleep(2_200);
        assertTokenResponse(backendToken("system/Patient.rs", assertion(CACHE_CLIENT, ec)));
        assertThat(JWKS_SERVER.fetches("/cache/jwks.json")).isEqualTo(2);
    }

    @Test
    void whenAssertionNamesAnUnknownKidThenJwksUriIsFetchedAgain() {
        assertTokenResponse(backendToken("system/*.rs", assertion(ROTATING_CLIENT, rotating1)));
        assertThat(JWKS_SERVER.fetches("/rotating/jwks.json")).isEqualTo(1);
        assertTokenResponse(backendToken("system/*.rs", assertion(ROTATING_CLIENT, rotating1)));
        assertThat(JWKS_SERVER.fetches("/rotating/jwks.json")).isEqualTo(1);

        // the client rotates its key; the cached copy (max-age=3600) does not know the new kid
        RSAKey rotating2 = rsaKey("rotating-2");
        JWKS_SERVER.serve("/rotating/jwks.json", publicJwks(rotating1, rotating2), "max-age=3600");
        assertTokenResponse(backendToken("system/*.rs", assertion(ROTATING_CLIENT, rotating2)));
        assertThat(JWKS_SERVER.fetches("/rotating/jwks.json")).isEqualTo(2);
    }

    @Test
    void whenV1AndV2SystemScopesThenGrantedIsRequestedIntersectRegistered() {
        assertThat(assertTokenResponse(backendToken("system/*.read", assertion(INLINE_CLIENT, rsa))).get("scope"))
                .isEqualTo("system/*.read");
        assertThat(assertTokenResponse(backendToken("system/*.r", assertion(INLINE_CLIENT, rsa))).get("scope"))
                .isEqualTo("system/*.r");
        assertThat(scopes(assertTokenResponse(backendToken(
                "system/Patient.rs system/Observation.read system/Condition.rs patient/*.rs system/Patient.cruds",
                assertion(URI_CLIENT, ec))).get("scope")))
                .containsExactlyInAnyOrder("system/Patient.rs", "system/Observation.read");
    }

    @Test
    void whenNoRequestedScopeIsAllowedThenInvalidScope() {
        assertOAuthError(backendToken("system/*.cruds", assertion(INLINE_CLIENT, rsa)), 400, "invalid_scope");
        assertOAuthError(backendToken("patient/*.rs openid", assertion(INLINE_CLIENT, rsa)), 400, "invalid_scope");
        assertOAuthError(backendToken("system/Condition.rs", assertion(URI_CLIENT, ec)), 400, "invalid_scope");
        assertOAuthError(token(form("grant_type", "client_credentials",
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(INLINE_CLIENT, rsa))), 400, "invalid_scope");
    }

    @Test
    void whenSignatureIsBadThenInvalidClient() {
        RSAKey impostor = new RSAKey.Builder(rsaKey("x")).keyID(rsa.getKeyID()).build();
        assertOAuthError(backendToken("system/*.rs", assertion(INLINE_CLIENT, impostor)), 401, "invalid_client");
    }

    @Test
    void whenAssertionExpiredOrLivesTooLongThenInvalidClient() {
        Instant now = Instant.now();
        JWTClaimsSet expired = claims(INLINE_CLIENT).expirationTime(Date.from(now.minusSeconds(300))).build();
        assertOAuthError(backendToken("system/*.rs", assertion(rsa, expired)), 401, "invalid_client");
        JWTClaimsSet tooLong = claims(INLINE_CLIENT).expirationTime(Date.from(now.plusSeconds(600))).build();
        assertOAuthError(backendToken("system/*.rs", assertion(rsa, tooLong)), 401, "invalid_client");
        JWTClaimsSet noExp = claims(INLINE_CLIENT).expirationTime(null).build();
        assertOAuthError(backendToken("system/*.rs", assertion(rsa, noExp)), 401, "invalid_client");
    }

    @Test
    void whenJtiIsReplayedThenInvalidClient() {
        String once = assertion(INLINE_CLIENT, rsa);
        assertTokenResponse(backendToken("system/*.rs", once));
        assertOAuthError(backendToken("system/*.rs", once), 401, "invalid_client");
        JWTClaimsSet noJti = claims(INLINE_CLIENT).jwtID(null).build();
        assertOAuthError(backendToken("system/*.rs", assertion(rsa, noJti)), 401, "invalid_client");
    }

    @Test
    void whenAudienceIsNotTheTokenUrlThenInvalidClient() {
        for (String aud : new String[] {ISSUER, ISSUER + "/oauth2/token/", FHIR_BASE, "https://evil.example/oauth2/token"}) {
            JWTClaimsSet claims = claims(INLINE_CLIENT).audience(aud).build();
            assertOAuthError(backendToken("system/*.rs", assertion(rsa, claims)), 401, "invalid_client");
        }
    }

    @Test
    void whenIssOrSubIsNotTheClientThenInvalidClient() {
        assertOAuthError(backendToken("system/*.rs", assertion(rsa, claims(INLINE_CLIENT).subject("someone-else").build())),
                401, "invalid_client");
        HttpResponse<String> otherIss = token(form("grant_type", "client_credentials", "scope", "system/*.rs",
                "client_id", INLINE_CLIENT, "client_assertion_type", JWT_BEARER,
                "client_assertion", assertion(rsa, claims(INLINE_CLIENT).issuer(URI_CLIENT).build())));
        assertOAuthError(otherIss, 401, "invalid_client");
    }

    @Test
    void whenClientIsUnknownThenInvalidClient() {
        RSAKey key = rsaKey("unknown");
        assertOAuthError(backendToken("system/*.rs", assertion("no-such-backend", key)), 401, "invalid_client");
    }

    @Test
    void whenAlgorithmIsNotRs384OrEs384ThenInvalidClient() throws Exception {
        JWTClaimsSet claims = claims(INLINE_CLIENT).build();
        SignedJWT rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
        rs256.sign(new RSASSASigner(rsa));
        assertOAuthError(backendToken("system/*.rs", rs256.serialize()), 401, "invalid_client");

        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims(INLINE_CLIENT).build());
        hs256.sign(new MACSigner(rsa.toRSAPublicKey().getEncoded()));
        assertOAuthError(backendToken("system/*.rs", hs256.serialize()), 401, "invalid_client");

        String none = new PlainJWT(claims(INLINE_CLIENT).build()).serialize();
        assertOAuthError(backendToken("system/*.rs", none), 401, "invalid_client");
    }

    @Test
    void whenClientJwksCannotBeFetchedThenInvalidClientNotServerError() {
        RSAKey key = rsaKey("down");
        assertOAuthError(backendToken("system/*.rs", assertion(DOWN_CLIENT, key)), 401, "invalid_client");
    }

    @Test
    void whenGrantTypeOrAssertionTypeIsWrongThen400() {
        assertOAuthError(token(form("grant_type", "not_a_grant_type", "scope", "system/*.rs",
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(INLINE_CLIENT, rsa))), 400, "unsupported_grant_type");
        assertOAuthError(token(form("grant_type", "client_credentials", "scope", "system/*.rs",
                "client_assertion_type", "not_an_assertion_type", "client_assertion", assertion(INLINE_CLIENT, rsa))), 400, "invalid_request");
        assertOAuthError(token(form("grant_type", "client_credentials", "scope", "system/*.rs",
                "client_assertion_type", JWT_BEARER, "client_assertion", "not-a-jwt")), 401, "invalid_client");
    }

    @Test
    void whenNoClientAuthenticationThen401InvalidClientJson() {
        HttpResponse<String> response = token(form("grant_type", "client_credentials", "scope", "system/*.rs"));
        assertOAuthError(response, 401, "invalid_client");
        assertThat(json(response.body())).containsOnlyKeys("error", "error_description", "error_uri");
    }
}
