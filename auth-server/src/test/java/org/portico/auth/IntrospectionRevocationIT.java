package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portico.auth.clients.ClientRegistrations;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Introspection (RFC 7662, checklist 7.6 row 9.20), revocation (RFC 7009, row 9.3) and the revocation feed
 * the fhir-server polls (ADR 0003): every revocation path lands in the feed with the token's {@code portico_grant}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntrospectionRevocationIT extends ClientAuthItSupport {

    static final String APP = "it-confidential";
    static final String APP_SECRET = "it-confidential-secret";
    static final String APP_REDIRECT = "https://app.example.org/confidential";
    static final String RESOURCE_SERVER = "it-resource-server";
    static final String RESOURCE_SERVER_SECRET = "it-resource-server-secret";
    static final String BACKEND = "it-introspecting-backend";
    static final String SHORT_LIVED_BACKEND = "it-short-lived-backend";

    final RSAKey backendKey = rsaKey("introspecting-backend");

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    RegisteredClientRepository clients;

    @Autowired
    ClientRegistrations registrations;

    @BeforeAll
    void registerClients() {
        Map<String, Object> resourceServer = new LinkedHashMap<>();
        resourceServer.put("client_id", RESOURCE_SERVER);
        resourceServer.put("type", "confidential");
        resourceServer.put("client_secret", RESOURCE_SERVER_SECRET);
        resourceServer.put("redirect_uris", List.of("https://fhir.test/unused"));
        resourceServer.put("scope", "openid");
        resourceServer.put("resource_server", true);
        register(resourceServer);

        Map<String, Object> backend = backendClient(BACKEND, "system/*.rs");
        backend.put("jwks", jwksJson(backendKey));
        register(backend);

        if (clients.findByClientId(SHORT_LIVED_BACKEND) == null) {
            RegisteredClient shortLived = registrations.privateKeyJwtClient(SHORT_LIVED_BACKEND, null, List.of(),
                    List.of("system/*.rs"), List.of(AuthorizationGrantType.CLIENT_CREDENTIALS), null, publicJwks(backendKey));
            clients.save(RegisteredClient.from(shortLived)
                    .tokenSettings(TokenSettings.withSettings(shortLived.getTokenSettings().getSettings())
                            .accessTokenTimeToLive(Duration.ofSeconds(1)).build())
                    .build());
        }
    }

    Map<String, Object> launch() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String code = authorize(APP, APP_REDIRECT, "launch/patient openid fhirUser offline_access patient/Observation.rs", pkce);
        return assertTokenResponse(token(form("grant_type", "authorization_code", "code", code, "redirect_uri", APP_REDIRECT,
                "code_verifier", pkce.verifier()), Map.of("Authorization", basic(APP, APP_SECRET))));
    }

    HttpResponse<String> introspect(String token, Map<String, String> headers) {
        return http.postForm(URI.create("/oauth2/introspect"), form("token", token), headers);
    }

    Map<String, Object> introspectAsApp(String token) {
        HttpResponse<String> response = introspect(token, Map.of("Authorization", basic(APP, APP_SECRET)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    HttpResponse<String> revoke(String token) {
        return http.postForm(URI.create("/oauth2/revoke"), form("token", token), Map.of("Authorization", basic(APP, APP_SECRET)));
    }

    HttpResponse<String> refresh(String refreshToken) {
        return token(form("grant_type", "refresh_token", "refresh_token", refreshToken), Map.of("Authorization", basic(APP, APP_SECRET)));
    }

    List<Map<String, Object>> feed(long since) {
        HttpResponse<String> response = new SmartTestClient(port).get(URI.create("/portico/revocations?since=" + since));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Map<String, Object> body = json(response.body());
        assertThat(body.get("now")).isInstanceOf(Number.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> revoked = (List<Map<String, Object>>) body.get("revoked");
        revoked.forEach(entry -> {
            assertThat(entry.get("grant")).isInstanceOf(String.class);
            assertThat(entry.get("revoked_at")).isInstanceOf(Number.class);
        });
        return revoked;
    }

    List<Object> revokedGrants(long since) {
        return feed(since).stream().map(e -> e.get("grant")).toList();
    }

    String grantOf(Map<String, Object> tokenResponse) throws Exception {
        return verified((String) tokenResponse.get("access_token")).getStringClaim("portico_grant");
    }

    @Test
    void whenActiveAccessTokenIntrospectedThenClaimsMirrorTheTokenResponseAndIdToken() throws Exception {
        Map<String, Object> token = launch();
        JWTClaimsSet idToken = verified((String) token.get("id_token"));
        Map<String, Object> claims = introspectAsApp((String) token.get("access_token"));

        assertThat(claims).containsEntry("active", true).containsEntry("client_id", APP).containsEntry("token_type", "Bearer");
        assertThat(scopes(claims.get("scope"))).isEqualTo(scopes(token.get("scope")));
        assertThat(((Number) claims.get("exp")).longValue()).isGreaterThan(Instant.now().getEpochSecond());
        assertThat(claims.get("iat")).isInstanceOf(Number.class);
        assertThat(claims.get("patient")).isEqualTo(USER_PATIENT).isEqualTo(token.get("patient"));
        assertThat(claims.get("fhirUser")).isEqualTo(idToken.getStringClaim("fhirUser"));
        assertThat(claims.get("iss")).isEqualTo(idToken.getIssuer());
        assertThat(claims.get("sub")).isEqualTo(idToken.getSubject());
        Object aud = claims.get("aud");
        assertThat(aud instanceof Collection<?> c ? c : List.of(aud)).containsExactly(FHIR_BASE);
    }

    @Test
    void whenRefreshTokenIntrospectedThenActiveWithTheGrantsScopes() {
        Map<String, Object> token = launch();
        Map<String, Object> claims = introspectAsApp((String) token.get("refresh_token"));
        assertThat(claims).containsEntry("active", true).containsEntry("client_id", APP)
                .containsEntry("patient", USER_PATIENT).doesNotContainKey("token_type");
        assertThat(scopes(claims.get("scope"))).isEqualTo(scopes(token.get("scope")));
        assertThat(((Number) claims.get("exp")).longValue()).isGreaterThan(Instant.now().plus(Duration.ofDays(89)).getEpochSecond());
    }

    @Test
    void whenTokenIsUnknownThenOnlyActiveFalse() {
        HttpResponse<String> response = introspect("invalid_token_value", Map.of("Authorization", basic(APP, APP_SECRET)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).containsExactly(Map.entry("active", false));
    }

    @Test
    void whenIntrospectionHasNoClientAuthenticationThen401() {
        Map<String, Object> token = launch();
        HttpResponse<String> response = new SmartTestClient(port).postForm(URI.create("/oauth2/introspect"),
                form("token", (String) token.get("access_token")), Map.of());
        assertOAuthError(response, 401, "invalid_client");
        assertOAuthError(introspect((String) token.get("access_token"), Map.of("Authorization", basic(APP, "wrong"))), 401, "invalid_client");
    }

    @Test
    void whenAnotherClientIntrospectsThenInactiveUnlessItIsAResourceServer() {
        Map<String, Object> token = launch();
        String accessToken = (String) token.get("access_token");
        HttpResponse<String> byBackend = http.postForm(URI.create("/oauth2/introspect"), form("token", accessToken,
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(BACKEND, backendKey)), Map.of());
        assertThat(byBackend.statusCode()).isEqualTo(200);
        assertThat(json(byBackend.body())).containsExactly(Map.entry("active", false));

        HttpResponse<String> byResourceServer = introspect(accessToken, Map.of("Authorization", basic(RESOURCE_SERVER, RESOURCE_SERVER_SECRET)));
        assertThat(json(byResourceServer.body())).containsEntry("active", true).containsEntry("client_id", APP)
                .containsEntry("patient", USER_PATIENT);
    }

    @Test
    void whenBackendTokenIntrospectedThenNoPatientContextAndExpiredIsInactive() throws Exception {
        Map<String, Object> token = assertTokenResponse(backendToken("system/*.rs", assertion(BACKEND, backendKey)));
        HttpResponse<String> response = http.postForm(URI.create("/oauth2/introspect"), form("token", (String) token.get("access_token"),
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(BACKEND, backendKey)), Map.of());
        Map<String, Object> claims = json(response.body());
        assertThat(claims).containsEntry("active", true).containsEntry("client_id", BACKEND).containsEntry("sub", BACKEND)
                .containsEntry("scope", "system/*.rs").containsKey("exp").doesNotContainKeys("patient", "fhirUser");

        Map<String, Object> shortLived = assertTokenResponse(backendToken("system/*.rs", assertion(SHORT_LIVED_BACKEND, backendKey)));
        Thread.sleep(1_500);
        HttpResponse<String> expired = http.postForm(URI.create("/oauth2/introspect"), form("token", (String) shortLived.get("access_token"),
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(SHORT_LIVED_BACKEND, backendKey)), Map.of());
        assertThat(json(expired.body())).containsExactly(Map.entry("active", false));
    }

    @Test
    void whenRefreshTokenRevokedThenWholeGrantDiesAndFeedListsIt() throws Exception {
        long since = Instant.now().getEpochSecond();
        Map<String, Object> token = launch();
        String grant = grantOf(token);
        assertThat(revokedGrants(since)).doesNotContain(grant);

        HttpResponse<String> revoked = revoke((String) token.get("refresh_token"));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertOAuthError(refresh((String) token.get("refresh_token")), 400, "invalid_grant");
        assertThat(introspectAsApp((String) token.get("access_token"))).containsExactly(Map.entry("active", false));
        assertThat(revokedGrants(since)).contains(grant);
        // later polls (since = after the revocation) do not list it again
        assertThat(revokedGrants(Instant.now().getEpochSecond() + 2)).doesNotContain(grant);
    }

    @Test
    void whenAccessTokenRevokedThenRefreshTokenFailsAtOnceAndFeedListsTheGrant() throws Exception {
        long since = Instant.now().getEpochSecond();
        Map<String, Object> token = launch();
        // a refresh first: the grant id stays that of the authorization
        Map<String, Object> refreshed = assertTokenResponse(refresh((String) token.get("refresh_token")));
        String grant = grantOf(refreshed);
        assertThat(grant).isEqualTo(grantOf(token));

        assertThat(revoke((String) refreshed.get("access_token")).statusCode()).isEqualTo(200);
        assertOAuthError(refresh((String) refreshed.get("refresh_token")), 400, "invalid_grant");
        assertThat(introspectAsApp((String) refreshed.get("refresh_token"))).containsExactly(Map.entry("active", false));
        assertThat(revokedGrants(since)).contains(grant);
    }

    @Test
    void whenRevocationRequestIsBadThenOAuthErrorJson() {
        HttpResponse<String> noAuth = new SmartTestClient(port).postForm(URI.create("/oauth2/revoke"), form("token", "x"), Map.of());
        assertOAuthError(noAuth, 401, "invalid_client");
        HttpResponse<String> noToken = http.postForm(URI.create("/oauth2/revoke"), form("nothing", "x"),
                Map.of("Authorization", basic(APP, APP_SECRET)));
        assertOAuthError(noToken, 400, "invalid_request");
        // an unknown token is not an error (RFC 7009 section 2.2)
        assertThat(revoke("no-such-token").statusCode()).isEqualTo(200);
    }

    @Test
    void whenRefreshTokenIsReusedThenFeedListsTheGrant() throws Exception {
        long since = Instant.now().getEpochSecond();
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String redirect = "https://app.example.org/callback";
        String code = authorize("it-public", redirect, "launch/patient online_access patient/Observation.rs", pkce);
        Map<String, Object> token = assertTokenResponse(token(form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirect, "client_id", "it-public", "code_verifier", pkce.verifier())));
        String refreshToken = (String) token.get("refresh_token");
        assertTokenResponse(token(form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "it-public")));
        assertOAuthError(token(form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "it-public")),
                400, "invalid_grant");
        assertThat(revokedGrants(since)).contains(grantOf(token));
    }

    @Test
    void whenPublicClientIntrospectsAndRevokesWithItsClientIdThenOnlyItsOwnTokens() throws Exception {
        long since = Instant.now().getEpochSecond();
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String redirect = "https://app.example.org/callback";
        String code = authorize("it-public", redirect, "launch/patient offline_access patient/Observation.rs", pkce);
        Map<String, Object> token = assertTokenResponse(token(form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirect, "client_id", "it-public", "code_verifier", pkce.verifier())));
        SmartTestClient noSession = new SmartTestClient(port);

        HttpResponse<String> own = noSession.postForm(URI.create("/oauth2/introspect"),
                form("token", (String) token.get("access_token"), "client_id", "it-public"), Map.of());
        assertThat(json(own.body())).containsEntry("active", true).containsEntry("patient", USER_PATIENT);
        SmartTestClient publicAppBrowser = http;
        http = new SmartTestClient(port);
        Map<String, Object> confidentialToken = launch();
        http = publicAppBrowser;
        HttpResponse<String> foreign = noSession.postForm(URI.create("/oauth2/introspect"),
                form("token", (String) confidentialToken.get("access_token"), "client_id", "it-public"), Map.of());
        assertThat(json(foreign.body())).containsExactly(Map.entry("active", false));
        // a confidential client cannot skip its authentication by sending only its id
        assertOAuthError(noSession.postForm(URI.create("/oauth2/introspect"),
                form("token", (String) confidentialToken.get("access_token"), "client_id", APP), Map.of()), 401, "invalid_client");

        HttpResponse<String> revoked = noSession.postForm(URI.create("/oauth2/revoke"),
                form("token", (String) token.get("refresh_token"), "client_id", "it-public"), Map.of());
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertOAuthError(token(form("grant_type", "refresh_token", "refresh_token", (String) token.get("refresh_token"),
                "client_id", "it-public")), 400, "invalid_grant");
        assertThat(revokedGrants(since)).contains(grantOf(token));
    }

    @Test
    void whenAuthorizationIsRemovedThroughTheServiceThenFeedListsTheGrant() throws Exception {
        long since = Instant.now().getEpochSecond();
        Map<String, Object> token = launch();
        // what the connected-apps page does
        var authorization = authorizations.findByToken((String) token.get("access_token"), OAuth2TokenType.ACCESS_TOKEN);
        authorizations.remove(authorization);
        assertThat(revokedGrants(since)).contains(grantOf(token));
        assertOAuthError(refresh((String) token.get("refresh_token")), 400, "invalid_grant");
    }

    @Test
    void whenFeedAskedWithoutSinceOrWithABadSinceThenAllRetainedOr400() {
        assertThat(feed(0)).isNotNull();
        HttpResponse<String> all = new SmartTestClient(port).get(URI.create("/portico/revocations"));
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        HttpResponse<String> bad = new SmartTestClient(port).get(URI.create("/portico/revocations?since=yesterday"));
        assertOAuthError(bad, 400, "invalid_request");
    }
}
