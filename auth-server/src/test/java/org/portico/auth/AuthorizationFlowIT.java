package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.demo.DemoDataLoader;
import org.portico.auth.identity.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The SMART standalone launch over HTTP, against PostgreSQL, with its negative twins. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthorizationFlowIT {

    static final String ISSUER = "http://localhost:9000";
    static final String FHIR_BASE = "http://fhir.test/fhir";
    static final String PUBLIC_CLIENT = "it-public";
    static final String CONFIDENTIAL_CLIENT = "it-confidential";
    static final String CONFIDENTIAL_SECRET = "it-confidential-secret";
    static final String REDIRECT = "https://app.example.org/callback";
    static final String USER = "it-alice";
    static final String PASSWORD = "it-alice-password";
    static final String USER_PATIENT = "it-patient-alice";
    static final String FULL_SCOPE =
            "openid fhirUser launch/patient offline_access patient/Observation.rs patient/Condition.rs user/Observation.rs patient/Foo.bogus";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> ISSUER);
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
    }

    static String demoFile() {
        try {
            return Path.of(AuthorizationFlowIT.class.getResource("/it-demo.json").toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    DemoDataLoader demoLoader;

    @Autowired
    UserAccounts users;

    SmartTestClient browser;

    @BeforeEach
    void newBrowser() {
        browser = new SmartTestClient(port);
    }

    Map<String, String> authorizeParams(String clientId, String redirectUri, String scope, String state, SmartTestClient.Pkce pkce) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", state);
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        return params;
    }

    /** Login and consent (unticking {@code untick}); returns the redirect back to the app. */
    URI authorize(Map<String, String> params, Set<String> untick) {
        HttpResponse<String> start = browser.get(browser.authorizeUri(params));
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        HttpResponse<String> login = browser.login(USER, PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        var consent = browser.followToConsent(login);
        HttpResponse<String> approved = browser.approve(consent, untick);
        assertThat(approved.statusCode()).isEqualTo(302);
        return URI.create(approved.headers().firstValue("Location").orElseThrow());
    }

    HttpResponse<String> exchange(String code, String redirectUri, String verifier) {
        return browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                "client_id", PUBLIC_CLIENT, "code_verifier", verifier), Map.of());
    }

    static URI redirectOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(302);
        return URI.create(response.headers().firstValue("Location").orElseThrow());
    }

    JWTClaimsSet verified(String jwt) throws Exception {
        SignedJWT signed = SignedJWT.parse(jwt);
        assertThat(signed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(signed.getHeader().getKeyID()).isNotBlank();
        HttpResponse<String> jwks = browser.get(URI.create("/oauth2/jwks"));
        assertThat(jwks.statusCode()).isEqualTo(200);
        RSAKey key = JWKSet.parse(jwks.body()).getKeyByKeyId(signed.getHeader().getKeyID()).toRSAKey();
        assertThat(key.isPrivate()).isFalse();
        assertThat(signed.verify(new RSASSAVerifier(key))).isTrue();
        return signed.getJWTClaimsSet();
    }

    @Test
    void whenPatientUnticksAScopeThenTokenAndResponseOmitIt() throws Exception {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String state = SmartTestClient.randomState();
        URI back = authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, FULL_SCOPE, state, pkce), Set.of("patient/Condition.rs"));

        assertThat(back.toString()).startsWith(REDIRECT + "?");
        Map<String, String> callback = queryOf(back);
        assertThat(callback).containsEntry("state", state).containsKey("code");

        HttpResponse<String> tokenResponse = exchange(callback.get("code"), REDIRECT, pkce.verifier());
        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        assertThat(tokenResponse.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(tokenResponse.headers().firstValue("Pragma")).hasValue("no-cache");
        Map<String, Object> token = json(tokenResponse.body());

        Set<String> granted = Set.of("openid", "fhirUser", "launch/patient", "offline_access", "patient/Observation.rs");
        assertThat(token.get("token_type")).isEqualTo("Bearer");
        assertThat(((Number) token.get("expires_in")).longValue()).isBetween(3590L, 3600L);
        assertThat(Set.of(((String) token.get("scope")).split(" "))).isEqualTo(granted);
        assertThat(token.get("patient")).isEqualTo(USER_PATIENT);
        assertThat(token.get("refresh_token")).isInstanceOf(String.class);
        assertThat(token.get("id_token")).isInstanceOf(String.class);

        JWTClaimsSet access = verified((String) token.get("access_token"));
        String userId = users.findByUsername(USER).orElseThrow().id();
        assertThat(access.getIssuer()).isEqualTo(ISSUER);
        assertThat(access.getAudience()).containsExactly(FHIR_BASE);
        assertThat(access.getSubject()).isEqualTo(userId).isNotEqualTo(USER);
        assertThat(access.getClaim("scope")).isInstanceOf(String.class);
        assertThat(Set.of(access.getStringClaim("scope").split(" "))).isEqualTo(granted);
        assertThat(access.getStringClaim("client_id")).isEqualTo(PUBLIC_CLIENT);
        assertThat(access.getStringClaim("patient")).isEqualTo(USER_PATIENT);
        assertThat(access.getStringClaim("fhirUser")).isEqualTo(FHIR_BASE + "/Patient/" + USER_PATIENT);
        assertThat(access.getExpirationTime()).isAfter(access.getIssueTime());
        assertThat(access.getJWTID()).isNotBlank();

        JWTClaimsSet id = verified((String) token.get("id_token"));
        assertThat(id.getAudience()).containsExactly(PUBLIC_CLIENT);
        assertThat(id.getSubject()).isEqualTo(userId);
        assertThat(id.getStringClaim("fhirUser")).isEqualTo(FHIR_BASE + "/Patient/" + USER_PATIENT);
    }

    @Test
    void whenPatientUnticksADifferentScopeNextTimeThenEarlierConsentDoesNotComeBack() throws Exception {
        String scope = "launch/patient patient/Observation.rs patient/Condition.rs";
        SmartTestClient.Pkce first = SmartTestClient.Pkce.create();
        URI back = authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, scope, "s1", first), Set.of("patient/Condition.rs"));
        Map<String, Object> token = json(exchange(queryOf(back).get("code"), REDIRECT, first.verifier()).body());
        assertThat(token.get("scope").toString().split(" ")).containsExactlyInAnyOrder("launch/patient", "patient/Observation.rs");

        SmartTestClient.Pkce second = SmartTestClient.Pkce.create();
        HttpResponse<String> again = browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, REDIRECT, scope, "s2", second)));
        var consent = browser.followToConsent(again);
        URI back2 = redirectOf(browser.approve(consent, Set.of("patient/Observation.rs")));
        Map<String, Object> token2 = json(exchange(queryOf(back2).get("code"), REDIRECT, second.verifier()).body());
        assertThat(token2.get("scope").toString().split(" ")).containsExactlyInAnyOrder("launch/patient", "patient/Condition.rs");
        assertThat(token2).doesNotContainKey("refresh_token").doesNotContainKey("id_token");
    }

    @Test
    void whenNoOfflineOrOnlineAccessThenNoRefreshToken() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        URI back = authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, "openid launch/patient patient/Observation.rs", "s", pkce), Set.of());
        Map<String, Object> token = json(exchange(queryOf(back).get("code"), REDIRECT, pkce.verifier()).body());
        assertThat(token).containsKey("access_token").containsKey("id_token").doesNotContainKey("refresh_token");
        assertThat(token.get("patient")).isEqualTo(USER_PATIENT);
    }

    @Test
    void whenPublicClientRefreshesThenTokenRotatesAndOldOneIsRejected() throws Exception {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        URI back = authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient online_access patient/Observation.rs", "s", pkce), Set.of());
        Map<String, Object> token = json(exchange(queryOf(back).get("code"), REDIRECT, pkce.verifier()).body());
        String refresh = (String) token.get("refresh_token");
        assertThat(refresh).isNotBlank();

        HttpResponse<String> refreshed = browser.postForm(URI.create("/oauth2/token"),
                form("grant_type", "refresh_token", "refresh_token", refresh, "client_id", PUBLIC_CLIENT), Map.of());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        Map<String, Object> next = json(refreshed.body());
        assertThat(next.get("refresh_token")).isInstanceOf(String.class).isNotEqualTo(refresh);
        assertThat(next.get("patient")).isEqualTo(USER_PATIENT);
        JWTClaimsSet access = verified((String) next.get("access_token"));
        assertThat(access.getAudience()).containsExactly(FHIR_BASE);
        assertThat(access.getStringClaim("patient")).isEqualTo(USER_PATIENT);

        HttpResponse<String> reused = browser.postForm(URI.create("/oauth2/token"),
                form("grant_type", "refresh_token", "refresh_token", refresh, "client_id", PUBLIC_CLIENT), Map.of());
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(json(reused.body())).containsEntry("error", "invalid_grant");

        // the reuse revoked the whole grant: the current refresh token is dead too
        HttpResponse<String> afterReuse = browser.postForm(URI.create("/oauth2/token"),
                form("grant_type", "refresh_token", "refresh_token", (String) next.get("refresh_token"), "client_id", PUBLIC_CLIENT), Map.of());
        assertThat(afterReuse.statusCode()).isEqualTo(400);
        assertThat(json(afterReuse.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void whenRefreshTokenUsedOnceThenCurrentTokenKeepsWorking() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        URI back = authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient offline_access patient/Observation.rs", "s", pkce), Set.of());
        String refresh = (String) json(exchange(queryOf(back).get("code"), REDIRECT, pkce.verifier()).body()).get("refresh_token");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refreshed = browser.postForm(URI.create("/oauth2/token"),
                    form("grant_type", "refresh_token", "refresh_token", refresh, "client_id", PUBLIC_CLIENT), Map.of());
            assertThat(refreshed.statusCode()).isEqualTo(200);
            refresh = (String) json(refreshed.body()).get("refresh_token");
        }
        // another client cannot use it
        HttpResponse<String> stolen = browser.postForm(URI.create("/oauth2/token"),
                form("grant_type", "refresh_token", "refresh_token", refresh, "client_id", "no-such-client"), Map.of());
        assertThat(stolen.statusCode()).isEqualTo(401);
        assertThat(json(stolen.body())).containsEntry("error", "invalid_client");
    }

    @Test
    void whenConfidentialClientUsesBasicAuthThenTokenIssued() throws Exception {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String redirect = "https://app.example.org/confidential";
        URI back = authorize(authorizeParams(CONFIDENTIAL_CLIENT, redirect,
                "launch/patient patient/Observation.rs patient/Condition.rs", "s", pkce), Set.of());
        String basic = Base64.getEncoder().encodeToString((CONFIDENTIAL_CLIENT + ":" + CONFIDENTIAL_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", queryOf(back).get("code"), "redirect_uri", redirect,
                "code_verifier", pkce.verifier()), Map.of("Authorization", "Basic " + basic));
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> token = json(response.body());
        // Condition is not registered for this client: dropped at the authorization request
        assertThat(token.get("scope").toString().split(" ")).containsExactlyInAnyOrder("launch/patient", "patient/Observation.rs");
        assertThat(verified((String) token.get("access_token")).getStringClaim("client_id")).isEqualTo(CONFIDENTIAL_CLIENT);
    }

    @Test
    void whenNoCodeChallengeThenInvalidRequestRedirectWithState() {
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient patient/Observation.rs", "st-1", SmartTestClient.Pkce.create());
        params.remove("code_challenge");
        params.remove("code_challenge_method");
        Map<String, String> error = queryOf(redirectOf(browser.get(browser.authorizeUri(params))));
        assertThat(error).containsEntry("error", "invalid_request").containsEntry("state", "st-1").doesNotContainKey("code");
    }

    @Test
    void whenPlainCodeChallengeMethodThenInvalidRequestRedirectWithState() {
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient patient/Observation.rs", "st-2", SmartTestClient.Pkce.create());
        params.put("code_challenge_method", "plain");
        URI location = redirectOf(browser.get(browser.authorizeUri(params)));
        assertThat(location.toString()).startsWith(REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", "st-2");
    }

    @Test
    void whenRedirectUriNotRegisteredThen400AndNoRedirect() {
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, "https://evil.example/callback", "patient/Observation.rs", "st-3", SmartTestClient.Pkce.create());
        HttpResponse<String> response = browser.get(browser.authorizeUri(params));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).doesNotContain("evil.example").doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void whenUnknownClientThen400AndNoRedirect() {
        Map<String, String> params = authorizeParams("no-such-client", REDIRECT, "patient/Observation.rs", "st-4", SmartTestClient.Pkce.create());
        HttpResponse<String> response = browser.get(browser.authorizeUri(params));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).contains("<html lang=\"en\"").doesNotContain("Exception");
    }

    @Test
    void whenAudIsNotTheFhirBaseThenInvalidRequestRedirectWithState() {
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, REDIRECT, "patient/Observation.rs", "st-5", SmartTestClient.Pkce.create());
        params.put("aud", "https://other.example/fhir");
        assertThat(queryOf(redirectOf(browser.get(browser.authorizeUri(params)))))
                .containsEntry("error", "invalid_request").containsEntry("state", "st-5");

        params.remove("aud");
        assertThat(queryOf(redirectOf(browser.get(browser.authorizeUri(params)))))
                .containsEntry("error", "invalid_request").containsEntry("state", "st-5");
    }

    @Test
    void whenNoRequestedScopeIsAllowedThenInvalidScope() {
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, REDIRECT, "user/Observation.rs patient/Observation.cruds", "st-6", SmartTestClient.Pkce.create());
        assertThat(queryOf(redirectOf(browser.get(browser.authorizeUri(params)))))
                .containsEntry("error", "invalid_scope").containsEntry("state", "st-6");
    }

    @Test
    void whenCodeUsedTwiceThenSecondIsInvalidGrant() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String code = queryOf(authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient patient/Observation.rs", "s", pkce), Set.of())).get("code");
        assertThat(exchange(code, REDIRECT, pkce.verifier()).statusCode()).isEqualTo(200);
        HttpResponse<String> second = exchange(code, REDIRECT, pkce.verifier());
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void whenCodeVerifierIsWrongThenInvalidGrant() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        String code = queryOf(authorize(authorizeParams(PUBLIC_CLIENT, REDIRECT, "launch/patient patient/Observation.rs", "s", pkce), Set.of())).get("code");
        HttpResponse<String> response = exchange(code, REDIRECT, SmartTestClient.Pkce.create().verifier());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void whenLoopbackRedirectUsesAnotherPortThenAccepted() {
        for (String redirect : List.of("http://localhost:53682/callback", "http://127.0.0.1:8765/callback")) {
            browser = new SmartTestClient(port);
            SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
            URI back = authorize(authorizeParams(PUBLIC_CLIENT, redirect, "launch/patient patient/Observation.rs", "lb", pkce), Set.of());
            assertThat(back.toString()).startsWith(redirect + "?");
            HttpResponse<String> token = exchange(queryOf(back).get("code"), redirect, pkce.verifier());
            assertThat(token.statusCode()).isEqualTo(200);
        }
        // the path still has to match exactly
        Map<String, String> other = authorizeParams(PUBLIC_CLIENT, "http://localhost:53682/other", "patient/Observation.rs", "lb", SmartTestClient.Pkce.create());
        assertThat(browser.get(browser.authorizeUri(other)).statusCode()).isEqualTo(400);
    }

    @Test
    void whenPatientDeniesThenAccessDeniedWithState() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        HttpResponse<String> start = browser.get(browser.authorizeUri(
                authorizeParams(PUBLIC_CLIENT, REDIRECT, "openid launch/patient patient/Observation.rs", "st-deny", pkce)));
        assertThat(start.statusCode()).isEqualTo(302);
        var consent = browser.followToConsent(browser.login(USER, PASSWORD));
        URI location = redirectOf(browser.deny(consent));
        assertThat(location.toString()).startsWith(REDIRECT + "?");
        assertThat(queryOf(location)).containsEntry("error", "access_denied").containsEntry("state", "st-deny").doesNotContainKey("code");
    }

    @Test
    void whenConsentPageShownThenScopesInPlainLanguageWithCheckboxesTicked() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, REDIRECT, "openid launch/patient patient/Observation.rs", "s", pkce)));
        var consent = browser.followToConsent(browser.login(USER, PASSWORD));
        assertThat(consent.selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(consent.select("h1")).hasSize(1);
        var checkbox = consent.selectFirst("input[type=checkbox][name=scope]");
        assertThat(checkbox.val()).isEqualTo("patient/Observation.rs");
        assertThat(checkbox.hasAttr("checked")).isTrue();
        assertThat(consent.selectFirst("label[for=" + checkbox.id() + "]").text())
                .isEqualTo("Read and search your lab results and vital signs (Observation)");
        assertThat(consent.select("input[type=hidden][name=scope]").eachAttr("value")).containsExactlyInAnyOrder("openid", "launch/patient");
    }

    @Test
    void whenWrongPasswordThenLoginPageShowsErrorAndNoSession() {
        browser.get(browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, REDIRECT, "patient/Observation.rs", "s", SmartTestClient.Pkce.create())));
        HttpResponse<String> response = browser.login(USER, "wrong");
        assertThat(redirectOf(response).toString()).endsWith("/login?error");
    }

    @Test
    void whenTokenEndpointCalledCrossOriginThenCorsAllowed() {
        HttpResponse<String> preflight = browser.send(HttpRequest.newBuilder(browser.base.resolve("/oauth2/token"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.org");

        HttpResponse<String> jwks = browser.send(HttpRequest.newBuilder(browser.base.resolve("/oauth2/jwks"))
                .header("Origin", "https://app.example.org").GET().build());
        assertThat(jwks.headers().firstValue("Access-Control-Allow-Origin")).isPresent();

        HttpResponse<String> discovery = browser.send(HttpRequest.newBuilder(browser.base.resolve("/.well-known/openid-configuration"))
                .header("Origin", "https://app.example.org").GET().build());
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(json(discovery.body())).containsEntry("issuer", ISSUER)
                .containsEntry("authorization_endpoint", ISSUER + "/oauth2/authorize")
                .containsEntry("token_endpoint", ISSUER + "/oauth2/token")
                .containsEntry("jwks_uri", ISSUER + "/oauth2/jwks");
    }

    @Test
    void whenDemoFileLoadedAgainThenNothingChanges() throws Exception {
        assertThat(demoLoader.load(Path.of(demoFile()))).isZero();
        assertThat(users.findByUsername("it-bob")).hasValueSatisfying(u -> assertThat(u.patientId()).isEqualTo("it-patient-bob"));
        assertThat(Arrays.asList(users.findByUsername(USER).orElseThrow().passwordHash().split("}"))).first().isEqualTo("{bcrypt");
    }
}
