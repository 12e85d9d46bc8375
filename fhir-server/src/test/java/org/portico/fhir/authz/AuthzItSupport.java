package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestServerProperties;
import org.portico.fhir.TestPatients;
import org.portico.fhir.authz.AuthzFixture.PatientData;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One fhir-server over real HTTP and PostgreSQL, with the demo patients and {@link AuthzFixture}
 * loaded, shared by the authorization ITs (same configuration, so Spring starts it once). Patient A is
 * the first demo patient by id, B the second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AuthzItSupport {

    /** Never closed: the cached Spring context (and the JWKS it fetched) outlives each test class. */
    static final TestTokens TOKENS = new TestTokens();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String FHIR_JSON = "application/fhir+json";

    private static PatientData fixtureA;
    private static PatientData fixtureB;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        // these tests write (and HAPI caches searches in the database): a database of their own
        PostgresTestDatabase db = PostgresTestDatabase.get("authz");
        TestServerProperties.register(registry, db, TOKENS);
        registry.add("logging.level.ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor", () -> "ERROR");
    }

    @LocalServerPort
    int port;

    @Autowired
    DaoRegistry daos;

    PatientData a;
    PatientData b;

    @BeforeEach
    void patients() {
        synchronized (AuthzItSupport.class) {
            if (fixtureA == null) {
                List<TestPatients.TestPatient> demo = TestPatients.withObservationsAndConditions(daos);
                assertThat(demo).as("demo patients").hasSizeGreaterThanOrEqualTo(2);
                fixtureA = AuthzFixture.load(daos, demo.get(0).id());
                fixtureB = AuthzFixture.load(daos, demo.get(1).id());
            }
        }
        a = fixtureA;
        b = fixtureB;
    }

    // --- tokens ---

    String tokenA(String scope) {
        return longLived(TOKENS.claims(a.id(), scope));
    }

    String tokenB(String scope) {
        return longLived(TOKENS.claims(b.id(), scope));
    }

    /** The matrix runs for minutes: its tokens outlive the default five. */
    private static String longLived(JWTClaimsSet.Builder claims) {
        return TOKENS.sign(claims.expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(3600))).build());
    }

    /** A user-context token of A: no {@code patient} claim, {@code fhirUser} names A's Patient. */
    String userTokenA(String scope) {
        return longLived(TOKENS.claims(null, scope)
                .claim(SmartClaims.FHIR_USER, TestTokens.FHIR_BASE + "/Patient/" + a.id()));
    }

    /** A user-context token of A who may also act for these patients ({@code portico_patients}, ADR 0019). */
    String userTokenAActingFor(String scope, String... patients) {
        return longLived(TOKENS.claims(null, scope)
                .claim(SmartClaims.FHIR_USER, TestTokens.FHIR_BASE + "/Patient/" + a.id())
                .claim(SmartClaims.PATIENTS, java.util.List.of(patients)));
    }

    // --- HTTP ---

    String base() {
        return "http://localhost:" + port + "/fhir";
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", FHIR_JSON)
                // HAPI reuses an identical search's results for a minute; the tests write between searches
                .header("Cache-Control", "no-cache");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return r;
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return HTTP.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String token, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = request(path, token);
        r.setHeader("Content-Type", method.equals("POST") && path.endsWith("_search") ? "application/x-www-form-urlencoded" : FHIR_JSON);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.setHeader(headers[i], headers[i + 1]);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of a patient's resources of a type as stored now (tests create some), less sensitive ones. */
    List<String> currentIds(String type, String patientId) {
        List<String> ids = new ArrayList<>();
        daos.getResourceDao(type)
                .search(ca.uhn.fhir.jpa.searchparam.SearchParameterMap.newSynchronous(
                        "patient", new ca.uhn.fhir.rest.param.ReferenceParam("Patient/" + patientId)),
                        new ca.uhn.fhir.rest.api.server.SystemRequestDetails())
                .getAllResources()
                .stream()
                // what a token without sensitive-data grants sees (ADR 0019; other tests label some of A's data)
                .filter(r -> !SensitiveData.carries(r, SensitiveData.LABELS))
                .forEach(r -> ids.add(r.getIdElement().getIdPart()));
        return ids;
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    static String diagnostics(HttpResponse<String> r) throws IOException {
        JsonNode body = json(r);
        assertThat(body.path("resourceType").asText()).isEqualTo("OperationOutcome");
        return body.path("issue").path(0).path("diagnostics").asText();
    }

    /** Ids of the entries of a searchset of the given type (all on one page). */
    static List<String> entryIds(HttpResponse<String> r, String type) throws IOException {
        JsonNode bundle = json(r);
        assertThat(bundle.path("link").toString()).as("all results on one page").doesNotContain("\"next\"");
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            if (resource.path("resourceType").asText().equals(type)) {
                ids.add(resource.path("id").asText());
            }
        }
        return ids;
    }

    /** Every place patient B could show up: B's id, any of B's resources (type and id), B's names. */
    static List<String> leaks(PatientData victim, String body) throws IOException {
        return leaks(victim, body, "");
    }

    /**
     * As {@link #leaks(PatientData, String)}, for a response to a request whose own text
     * ({@code request}: URL and body) may name B: the answer may echo the request (a Bundle's
     * {@code link} URLs, an OperationOutcome's diagnostics); everything else is searched.
     */
    static List<String> leaks(PatientData victim, String body, String request) throws IOException {
        List<String> found = new ArrayList<>();
        boolean json = !body.isBlank() && body.startsWith("{");
        JsonNode root = json ? JSON.readTree(body) : null;
        String searched = body;
        if (root != null) {
            JsonNode copy = root.deepCopy();
            boolean echoes = request.contains(victim.id()) || (victim.family() != null && request.contains(victim.family()));
            if (copy.isObject() && echoes) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("link");
                if (copy.path("resourceType").asText().equals("OperationOutcome")) {
                    copy.path("issue").forEach(i -> ((com.fasterxml.jackson.databind.node.ObjectNode) i).remove("diagnostics"));
                }
            }
            withoutRecordedRequests(copy);
            searched = copy.toString();
        }
        if (searched.contains(victim.id())) {
            found.add("B's patient id");
        }
        if (victim.family() != null && searched.contains(victim.family())) {
            found.add("B's family name");
        }
        if (root != null) {
            walk(root, victim, found);
        }
        return found;
    }

    /**
     * An AuditEvent in the patient's access log records the text of requests made for that patient
     * (the request line, the query, the failure description): the matrix's own earlier requests
     * with A's tokens name B there, as any app's own input would. That is the caller's input, not
     * B's data, so those fields are not searched; everything else in an AuditEvent is (a reference
     * to B or to B's resources, B as the patient of an event, still counts as a leak).
     */
    private static void withoutRecordedRequests(JsonNode node) {
        if (node.isObject()) {
            if (node.path("resourceType").asText().equals("AuditEvent")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("outcomeDesc");
                node.path("entity").forEach(e -> ((com.fasterxml.jackson.databind.node.ObjectNode) e).remove(List.of("description", "query")));
            }
            node.forEach(AuthzItSupport::withoutRecordedRequests);
        } else if (node.isArray()) {
            node.forEach(AuthzItSupport::withoutRecordedRequests);
        }
    }

    private static void walk(JsonNode node, PatientData victim, List<String> found) {
        if (node.isObject()) {
            String type = node.path("resourceType").asText("");
            String id = node.path("id").asText("");
            if (!type.isEmpty() && victim.ids(type).contains(id)) {
                found.add(type + "/" + id);
            }
            JsonNode ref = node.get("reference");
            if (ref != null && ref.isTextual()) {
                String[] parts = ref.asText().split("/");
                if (parts.length >= 2 && victim.ids(parts[parts.length - 2]).contains(parts[parts.length - 1])) {
                    found.add("reference " + ref.asText());
                }
            }
            node.elements().forEachRemaining(child -> walk(child, victim, found));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> walk(child, victim, found));
        }
    }
}
