package org.portico.fhir.uscore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestServerProperties;
import org.portico.fhir.security.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One fhir-server over real HTTP and PostgreSQL (a database of its own: the tests add fixtures), with
 * the demo patients, shared by the US Core ITs (same configuration, so Spring starts it once).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class UsCoreItSupport {

    /** Never closed: the cached Spring context (and the JWKS it fetched) outlives each test class. */
    static final TestTokens TOKENS = new TestTokens();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String FHIR_JSON = "application/fhir+json";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServerProperties.register(registry, PostgresTestDatabase.get("uscore"), TOKENS);
    }

    @LocalServerPort
    int port;

    String base() {
        return "http://localhost:" + port + "/fhir";
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", FHIR_JSON)
                // HAPI reuses an identical search's results for a minute; fixtures change between tests
                .header("Cache-Control", "no-cache");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return r;
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return HTTP.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST [type]/_search} with a form body, as a browser form would send it. */
    HttpResponse<String> postSearch(String type, String form, String token) throws IOException, InterruptedException {
        return HTTP.send(request("/" + type + "/_search", token)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
