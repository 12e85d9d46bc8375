package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.json;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** An operator who requires an initial access token, and the per-IP rate limit (its own context: 3 requests an hour). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegistrationLimitsIT {

    static final String INITIAL_TOKEN = "it-initial-access-token";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> "http://fhir.test/fhir");
        registry.add("portico.auth.registration.initial-access-token", () -> INITIAL_TOKEN);
        registry.add("portico.auth.registration.rate-limit.requests", () -> "3");
        registry.add("portico.auth.registration.rate-limit.period", () -> "1h");
    }

    @LocalServerPort
    int port;

    HttpResponse<String> register(String bearer) {
        SmartTestClient client = new SmartTestClient(port);
        HttpRequest.Builder request = HttpRequest.newBuilder(client.base.resolve("/connect/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RegistrationITSupport.write(
                        RegistrationITSupport.publicApp("Limited app"))));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build());
    }

    @Test
    void whenInitialAccessTokenRequiredAndTooManyRequestsThen401Then201Then429() {
        HttpResponse<String> withoutToken = register(null);
        assertThat(withoutToken.statusCode()).isEqualTo(401);
        assertThat(withoutToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(withoutToken.body())).containsEntry("error", "invalid_token");

        assertThat(register(INITIAL_TOKEN).statusCode()).isEqualTo(201);
        assertThat(register(INITIAL_TOKEN).statusCode()).isEqualTo(201);

        HttpResponse<String> limited = register(INITIAL_TOKEN);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 3600L);
        assertThat(json(limited.body())).containsEntry("error", "temporarily_unavailable").containsKey("error_description");
        assertThat(List.of(limited.body())).noneMatch(b -> b.contains("Exception"));
    }
}
