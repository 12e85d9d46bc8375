package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;
import static org.portico.auth.SmartTestClient.queryOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shared set-up of the registration and connected-apps ITs (one Spring context for both): the IT demo
 * file, an admin token, a rate limit high enough not to get in the way, and helpers to register apps
 * and run launches over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class RegistrationITSupport {

    static final String ISSUER = "http://localhost:9000";
    static final String FHIR_BASE = "http://fhir.test/fhir";
    static final String ADMIN_TOKEN = "it-admin-token";
    static final String REVIEWER = "Portico IT Health";
    static final String REDIRECT = "https://app.example.org/registered";
    static final String ALICE = "it-alice";
    static final String ALICE_PASSWORD = "it-alice-password";
    static final String BOB = "it-bob";
    static final String BOB_PASSWORD = "it-bob-password";

    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> ISSUER);
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        registry.add("portico.auth.registration.admin-token", () -> ADMIN_TOKEN);
        registry.add("portico.auth.registration.reviewer-name", () -> REVIEWER);
        registry.add("portico.auth.registration.rate-limit.requests", () -> "10000");
    }

    @LocalServerPort
    int port;

    SmartTestClient browser;

    @BeforeEach
    void newBrowser() {
        browser = new SmartTestClient(port);
    }

    /** A public SMART app as a developer would register it. */
    static Map<String, Object> publicApp(String name) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("client_name", name);
        app.put("redirect_uris", List.of(REDIRECT, "http://127.0.0.1/callback"));
        app.put("token_endpoint_auth_method", "none");
        app.put("grant_types", List.of("authorization_code", "refresh_token"));
        app.put("response_types", List.of("code"));
        app.put("scope", "openid fhirUser launch/patient offline_access patient/*.rs");
        return app;
    }

    HttpResponse<String> sendJson(String method, String path, String body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(browser.base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return browser.send(request.build());
    }

    HttpResponse<String> register(Map<String, Object> metadata) {
        return sendJson("POST", "/connect/register", write(metadata), null);
    }

    /** Registers the app and returns the client information response. */
    Map<String, Object> registered(Map<String, Object> metadata) {
        HttpResponse<String> response = register(metadata);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body());
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, String> authorizeParams(String clientId, String scope, SmartTestClient.Pkce pkce) {
        return authorizeParams(clientId, REDIRECT, scope, pkce);
    }

    Map<String, String> authorizeParams(String clientId, String redirectUri, String scope, SmartTestClient.Pkce pkce) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", SmartTestClient.randomState());
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        return params;
    }

    /** Signs in (if needed) and opens the consent page of a standalone launch. */
    org.jsoup.nodes.Document consentPage(String clientId, String scope, SmartTestClient.Pkce pkce, String user, String password) {
        return consentPage(clientId, REDIRECT, scope, pkce, user, password);
    }

    org.jsoup.nodes.Document consentPage(
            String clientId, String redirectUri, String scope, SmartTestClient.Pkce pkce, String user, String password) {
        HttpResponse<String> start = browser.get(browser.authorizeUri(authorizeParams(clientId, redirectUri, scope, pkce)));
        assertThat(start.statusCode()).isEqualTo(302);
        if (start.headers().firstValue("Location").orElseThrow().endsWith("/login")) {
            start = browser.login(user, password);
        }
        return browser.followToConsent(start);
    }

    /** A full public-client standalone launch for the user; returns the token response. */
    Map<String, Object> launch(String clientId, String scope, String user, String password) {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        var consent = consentPage(clientId, scope, pkce, user, password);
        HttpResponse<String> approved = browser.approve(consent, Set.of());
        assertThat(approved.statusCode()).isEqualTo(302);
        URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(REDIRECT + "?");
        HttpResponse<String> token = browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", queryOf(back).get("code"), "redirect_uri", REDIRECT,
                "client_id", clientId, "code_verifier", pkce.verifier()), Map.of());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return json(token.body());
    }

    HttpResponse<String> refresh(String clientId, String refreshToken) {
        return browser.postForm(URI.create("/oauth2/token"),
                form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId), Map.of());
    }
}
