package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SMART "client-confidential-asymmetric" (checklist 7.6 row 9.21): a {@code private_key_jwt} app on the code
 * and refresh grants; refresh with and without {@code scope} (never widening, checklist 7.1 step 4); refresh
 * tokens valid 3 months and extended on use; the grant id stays the same across refreshes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsymmetricClientIT extends ClientAuthItSupport {

    static final String ES_CLIENT = "it-asymmetric-es";
    static final String RS_CLIENT = "it-asymmetric-rs";
    static final String REDIRECT = "https://app.example.org/asymmetric";
    static final String SCOPE = "launch/patient openid fhirUser offline_access patient/Observation.rs patient/Condition.rs";

    final ECKey ec = ecKey("asym-es384");
    final RSAKey rsa = rsaKey("asym-rs384");

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    void registerClients() {
        register(app(ES_CLIENT, "jwks", jwksJson(ec)));
        register(app(RS_CLIENT, "jwks_uri", JWKS_SERVER.serve("/asym/jwks.json", publicJwks(rsa), "max-age=600")));
    }

    static Map<String, Object> app(String clientId, String keyField, Object keys) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_id", clientId);
        client.put("client_name", "IT asymmetric app");
        client.put("type", "confidential");
        client.put("token_endpoint_auth_method", "private_key_jwt");
        client.put("redirect_uris", List.of(REDIRECT));
        client.put("scope", "openid fhirUser launch/patient offline_access patient/*.rs");
        client.put(keyField, keys);
        return client;
    }

    Map<String, Object> launch(String clientId, com.nimbusds.jose.jwk.JWK key) {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String code = authorize(clientId, REDIRECT, SCOPE, pkce);
        HttpResponse<String> response = token(form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "code_verifier", pkce.verifier(),
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(clientId, key)));
        Map<String, Object> body = assertTokenResponse(response);
        assertThat(body.get("patient")).isEqualTo(USER_PATIENT);
        assertThat(body.get("refresh_token")).isInstanceOf(String.class);
        assertThat(body.get("id_token")).isInstanceOf(String.class);
        return body;
    }

    HttpResponse<String> refresh(String clientId, com.nimbusds.jose.jwk.JWK key, String refreshToken, String scope) {
        Map<String, List<String>> form = form("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(clientId, key));
        if (scope != null) {
            form.put("scope", List.of(scope));
        }
        return token(form);
    }

    @Test
    void whenAsymmetricAppLaunchesAndRefreshesThenTokensKeepTheGrantAndNeverWiden() throws Exception {
        Map<String, Object> first = launch(ES_CLIENT, ec);
        JWTClaimsSet firstAccess = verified((String) first.get("access_token"));
        String grant = firstAccess.getStringClaim("portico_grant");
        assertThat(grant).isNotBlank();
        assertThat(firstAccess.getStringClaim("client_id")).isEqualTo(ES_CLIENT);
        java.util.Set<String> granted = scopes(first.get("scope"));

        // without scope: everything granted before
        Map<String, Object> second = assertTokenResponse(refresh(ES_CLIENT, ec, (String) first.get("refresh_token"), null));
        assertThat(scopes(second.get("scope"))).isEqualTo(granted);
        assertThat(second.get("refresh_token")).isInstanceOf(String.class).isNotEqualTo(first.get("refresh_token"));
        assertThat(second.get("patient")).isEqualTo(USER_PATIENT);
        assertThat(verified((String) second.get("access_token")).getStringClaim("portico_grant")).isEqualTo(grant);

        // with the same scope, then a narrower one
        Map<String, Object> third = assertTokenResponse(refresh(ES_CLIENT, ec, (String) second.get("refresh_token"), (String) first.get("scope")));
        assertThat(scopes(third.get("scope"))).isEqualTo(granted);
        Map<String, Object> narrower = assertTokenResponse(refresh(ES_CLIENT, ec, (String) third.get("refresh_token"),
                "launch/patient patient/Observation.rs"));
        assertThat(scopes(narrower.get("scope"))).containsExactlyInAnyOrder("launch/patient", "patient/Observation.rs");
        JWTClaimsSet narrowAccess = verified((String) narrower.get("access_token"));
        assertThat(narrowAccess.getStringClaim("portico_grant")).isEqualTo(grant);
        assertThat(narrower.get("refresh_token")).as("the grant keeps offline_access").isInstanceOf(String.class);

        // wider than the grant: invalid_scope, and the grant survives
        assertOAuthError(refresh(ES_CLIENT, ec, (String) narrower.get("refresh_token"),
                "launch/patient patient/Observation.rs patient/MedicationRequest.rs"), 400, "invalid_scope");
        assertTokenResponse(refresh(ES_CLIENT, ec, (String) narrower.get("refresh_token"), null));
    }

    @Test
    void whenAsymmetricAppUsesJwksUriThenCodeAndRefreshGrantsWork() {
        Map<String, Object> first = launch(RS_CLIENT, rsa);
        assertTokenResponse(refresh(RS_CLIENT, rsa, (String) first.get("refresh_token"), null));
    }

    @Test
    void whenRefreshTokenIsInvalidOrAssertionIsMissingThenRejected() {
        Map<String, Object> first = launch(ES_CLIENT, ec);
        assertOAuthError(refresh(ES_CLIENT, ec, "a1b2c3d4-0000-4000-8000-000000000000", null), 400, "invalid_grant");
        // the refresh token alone is not enough: the client must authenticate
        assertOAuthError(token(form("grant_type", "refresh_token", "refresh_token", (String) first.get("refresh_token"))),
                401, "invalid_client");
        // another client's assertion cannot use it
        assertOAuthError(refresh(RS_CLIENT, rsa, (String) first.get("refresh_token"), null), 400, "invalid_grant");
    }

    @Test
    void whenCodeExchangeHasNoVerifierOrABadAssertionThenRejected() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String code = authorize(ES_CLIENT, REDIRECT, SCOPE, pkce);
        assertOAuthError(token(form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(ES_CLIENT, ecKey(ec.getKeyID())),
                "code_verifier", pkce.verifier())), 401, "invalid_client");
        assertOAuthError(token(form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(ES_CLIENT, ec))), 400, "invalid_grant");
    }

    @Test
    void whenRefreshedThenRefreshTokenValidForThreeMonthsAgain() throws Exception {
        Map<String, Object> first = launch(ES_CLIENT, ec);
        Instant firstExpiry = refreshExpiry((String) first.get("refresh_token"));
        assertThat(firstExpiry).isAfter(Instant.now().plus(Duration.ofDays(89)));
        Thread.sleep(1_100);
        Map<String, Object> second = assertTokenResponse(refresh(ES_CLIENT, ec, (String) first.get("refresh_token"), null));
        assertThat(refreshExpiry((String) second.get("refresh_token"))).isAfter(firstExpiry);
    }

    Instant refreshExpiry(String refreshToken) {
        return jdbc.sql("SELECT refresh_token_expires_at FROM oauth2_authorization WHERE refresh_token_value = ?")
                .param(refreshToken).query(Timestamp.class).single().toInstant();
    }

    @Test
    void whenSymmetricClientRefreshesWithAndWithoutScopeThenSameRules() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String redirect = "https://app.example.org/confidential";
        String code = authorize("it-confidential", redirect, "launch/patient offline_access patient/Observation.rs", pkce);
        String basic = basic("it-confidential", "it-confidential-secret");
        Map<String, Object> first = assertTokenResponse(token(form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirect, "code_verifier", pkce.verifier()), Map.of("Authorization", basic)));
        Map<String, Object> second = assertTokenResponse(token(form("grant_type", "refresh_token",
                "refresh_token", (String) first.get("refresh_token")), Map.of("Authorization", basic)));
        assertThat(scopes(second.get("scope"))).isEqualTo(scopes(first.get("scope")));
        Map<String, Object> third = assertTokenResponse(token(form("grant_type", "refresh_token",
                "refresh_token", (String) second.get("refresh_token"), "scope", "patient/Observation.rs"), Map.of("Authorization", basic)));
        assertThat(third.get("scope")).isEqualTo("patient/Observation.rs");
        assertOAuthError(token(form("grant_type", "refresh_token", "refresh_token", (String) third.get("refresh_token"),
                "scope", "patient/Observation.rs patient/Condition.rs"), Map.of("Authorization", basic)), 400, "invalid_scope");
    }
}
