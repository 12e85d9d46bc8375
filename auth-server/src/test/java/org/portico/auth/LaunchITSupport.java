package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shared set-up of the launch, picker and consent integration tests: one Spring context (PostgreSQL,
 * the IT demo file), a fresh browser per test, and the helpers that drive the pages over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AccountTestConfig.class)
abstract class LaunchITSupport {

    static final String ISSUER = "http://localhost:9000";
    static final String FHIR_BASE = "http://fhir.test/fhir";
    static final String PUBLIC_CLIENT = "it-public";
    static final String PUBLIC_REDIRECT = "https://app.example.org/callback";
    static final String EHR_CLIENT = "it-ehr";
    static final String EHR_SECRET = "it-ehr-secret";
    static final String EHR_REDIRECT = "https://ehr-app.example.org/callback";
    static final String EHR_LAUNCH_URI = "https://ehr-app.example.org/launch";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> ISSUER);
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        // the access-log page's FHIR calls (AccessLogIT); the launch ITs make none
        registry.add("portico.auth.fhir-internal-url", FhirStub::baseUrl);
    }

    /** Mail and SMS of the patient-account ITs ({@link AccountITSupport}); here so that every IT shares one context. */
    @DynamicPropertySource
    static void accountDelivery(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", TestMail::port);
        registry.add("portico.auth.mail.from", () -> "Portico IT <no-reply@portico.test>");
        // the ITs make many attempts from one address; the limiter has its own test
        registry.add("portico.auth.enrolment.attempts-per-address", () -> "100000");
        registry.add("portico.auth.enrolment.min-response-time", () -> "300ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SmartTestClient browser;

    @BeforeEach
    void newBrowser() {
        browser = new SmartTestClient(port);
    }

    static Map<String, String> authorizeParams(String clientId, String redirectUri, String scope, String state, SmartTestClient.Pkce pkce) {
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

    static Map<String, List<String>> asForm(Map<String, String> params) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        params.forEach((k, v) -> form.put(k, new ArrayList<>(List.of(v))));
        return form;
    }

    /** An authorization request sent as a form POST ({@code authorize-post}). */
    HttpResponse<String> postAuthorize(Map<String, String> params) {
        return browser.postForm(URI.create("/oauth2/authorize"), asForm(params), Map.of());
    }

    void signIn(String username, String password) {
        HttpResponse<String> login = browser.login(username, password);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
    }

    /** Follows redirects until a page (200) comes back; returns it with the URI it came from. */
    Page follow(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        URI at = current.uri();
        for (int i = 0; i < 6 && current.statusCode() == 302; i++) {
            URI location = current.uri().resolve(current.headers().firstValue("Location").orElseThrow());
            assertThat(location.getHost()).as("stays on the auth-server: " + location).isEqualTo("localhost");
            at = location;
            current = browser.get(location);
        }
        assertThat(current.statusCode()).as("page at " + at + ": " + current.body()).isEqualTo(200);
        return new Page(at, Jsoup.parse(current.body(), browser.base.toString()));
    }

    record Page(URI uri, Document doc) {}

    static URI redirectOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return URI.create(response.headers().firstValue("Location").orElseThrow());
    }

    /** What a browser would submit for the form as it is: hidden and text fields, ticked boxes and radios. */
    static Map<String, List<String>> formFields(Element form) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element input : form.select("input")) {
            String type = input.attr("type");
            if ((type.equals("checkbox") || type.equals("radio")) && !input.hasAttr("checked")) {
                continue;
            }
            if (input.attr("name").isEmpty()) {
                continue;
            }
            fields.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        return fields;
    }

    HttpResponse<String> submit(Element form, Map<String, List<String>> fields) {
        if (form.attr("method").equalsIgnoreCase("get")) {
            String query = SmartTestClient.encode(fields);
            return browser.get(URI.create(form.attr("action") + "?" + query));
        }
        return browser.postForm(URI.create(form.attr("action")), fields, Map.of());
    }

    HttpResponse<String> exchangeConfidential(String clientId, String secret, String code, String redirectUri, String verifier) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                "code_verifier", verifier), Map.of("Authorization", "Basic " + basic));
    }

    HttpResponse<String> exchangePublic(String code, String redirectUri, String verifier) {
        return browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                "client_id", PUBLIC_CLIENT, "code_verifier", verifier), Map.of());
    }

    static Map<String, Object> tokenJson(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    static Document parse(HttpResponse<String> response) {
        return Jsoup.parse(response.body());
    }
}
