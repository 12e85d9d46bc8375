package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestServerProperties;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/** One fhir-server over real HTTP and PostgreSQL with a database of its own, for the ingest ITs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class IngestItSupport {

    static final TestTokens TOKENS = new TestTokens();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String FHIR_JSON = "application/fhir+json";
    static final String NDJSON = "application/fhir+ndjson";
    static final String OPERATOR_SCOPE = "system/Organization.cu";
    static final String SOURCE_SCOPE = "system/*.cu system/*.rs";
    static final String DATA = "/ingest/fhir-multi-ehr/";

    /** Each IT class calls this from its own {@code @DynamicPropertySource}, with a database of its own. */
    static void properties(DynamicPropertyRegistry registry, String database) {
        PostgresTestDatabase db = PostgresTestDatabase.get(database);
        TestServerProperties.register(registry, db, TOKENS);
        registry.add("logging.level.ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor", () -> "ERROR");
    }

    @LocalServerPort
    int port;

    @Autowired
    javax.sql.DataSource dataSource;

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    /** A backend-services token (no user, no patient). */
    static String backend(String clientId, String scope) {
        return TOKENS.sign(TOKENS.claims(null, scope).claim(SmartClaims.CLIENT_ID, clientId)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
    }

    static String patientToken(String patientId, String scope) {
        return TOKENS.sign(TOKENS.claims(patientId, scope).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
    }

    static String userToken(String patientId, String scope) {
        return TOKENS.sign(TOKENS.claims(null, scope)
                .claim(SmartClaims.FHIR_USER, TestTokens.FHIR_BASE + "/Patient/" + patientId)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
    }

    String base() {
        return "http://localhost:" + port + "/fhir";
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", FHIR_JSON).header("Cache-Control", "no-cache");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(300))
                .header("Accept", FHIR_JSON).header("Content-Type", contentType);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers (or re-registers) a source as the operator; answers the registration's Parameters. */
    JsonNode register(String name, String uri, String clientId, String recordIdSystem, String mrnSystem) throws Exception {
        HttpResponse<String> r = post("/$register-source", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                registration(name, uri, clientId, recordIdSystem, mrnSystem));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static String registration(String name, String uri, String clientId, String recordIdSystem, String mrnSystem) {
        return registration(name, uri, clientId, recordIdSystem, mrnSystem, null);
    }

    /** {@code validation}: {@code reject}, {@code accept-with-warnings}, {@code off}, or null for the server's setting. */
    static String registration(String name, String uri, String clientId, String recordIdSystem, String mrnSystem, String validation) {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode parameters = p.putArray("parameter");
        parameters.addObject().put("name", "name").put("valueString", name);
        parameters.addObject().put("name", "uri").put("valueUri", uri);
        parameters.addObject().put("name", "client-id").put("valueString", clientId);
        parameters.addObject().put("name", "record-id-system").put("valueUri", recordIdSystem);
        parameters.addObject().put("name", "mrn-system").put("valueUri", mrnSystem);
        if (validation != null) {
            parameters.addObject().put("name", "validation").put("valueCode", validation);
        }
        return p.toString();
    }

    static String resource(String path) throws IOException {
        try (InputStream in = IngestItSupport.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** A count of the report ({@code created}, {@code updated}, {@code unchanged}). */
    static int count(JsonNode report, String name) {
        for (JsonNode p : report.path("parameter")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("valueInteger").asInt();
            }
        }
        throw new AssertionError("no " + name + " in " + report);
    }

    static List<String> provenances(JsonNode report) {
        List<String> result = new java.util.ArrayList<>();
        report.path("parameter").forEach(p -> {
            if (p.path("name").asText().equals("provenance")) {
                result.add(p.path("valueReference").path("reference").asText());
            }
        });
        return result;
    }

    /** Stored ({@code Type/id}) of the report's entry with this source id. */
    static String stored(JsonNode report, String sourceId) {
        for (JsonNode p : report.path("parameter")) {
            if (p.path("name").asText().equals("entry")) {
                String id = null;
                String resource = null;
                for (JsonNode part : p.path("part")) {
                    if (part.path("name").asText().equals("source-id")) {
                        id = part.path("valueString").asText();
                    }
                    if (part.path("name").asText().equals("resource")) {
                        resource = part.path("valueReference").path("reference").asText();
                    }
                }
                if (sourceId.equals(id)) {
                    return resource;
                }
            }
        }
        throw new AssertionError("no entry " + sourceId);
    }

    long versions() {
        return jdbc().queryForObject("SELECT count(*) FROM hfj_res_ver", Long.class);
    }

    long resources(String type) {
        return jdbc().queryForObject("SELECT count(*) FROM hfj_resource WHERE res_type = ? AND res_deleted_at IS NULL", Long.class, type);
    }

    /** The unified Patient of a source's Patient record (by its stored id). */
    String unifiedOf(String recordId) {
        return jdbc().queryForObject("SELECT unified_patient_id FROM portico_patient_link WHERE source_record_id = ?", String.class, recordId);
    }
}
