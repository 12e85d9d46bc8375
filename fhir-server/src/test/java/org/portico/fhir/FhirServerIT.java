package org.portico.fhir;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.TestPatients.TestPatient;
import org.portico.fhir.security.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The fhir-server over HTTP against PostgreSQL, with the demo bundles loaded: authentication (401),
 * scopes (403), and that a patient's token never yields another patient's data on any search path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FhirServerIT {

    private static final TestTokens TOKENS = new TestTokens();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        TestServerProperties.register(registry, db, TOKENS);
    }

    @AfterAll
    static void stopJwks() {
        TOKENS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DaoRegistry daos;

    private TestPatient a;
    private TestPatient b;

    @BeforeEach
    void patients() {
        List<TestPatient> patients = TestPatients.withObservationsAndConditions(daos);
        assertThat(patients).as("demo patients with Observations and Conditions").hasSizeGreaterThanOrEqualTo(2);
        a = patients.get(0);
        b = patients.get(1);
    }

    // --- 401: no valid token, no data ---

    @Test
    void whenNoTokenThen401WithBearerChallenge() throws Exception {
        HttpResponse<String> r = get("/Patient/" + a.id(), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer realm="));
        assertOperationOutcome(r);
    }

    @Test
    void whenSearchValuesAreMalformedThen400NeverA500() throws Exception {
        String system = TOKENS.sign(TOKENS.claims(null, "system/*.rs").build());
        for (String path : java.util.List.of("/Location?near=not-a-position", "/Observation?code-value-string=no-dollar",
                "/Observation?date=not-a-date")) {
            HttpResponse<String> r = get(path, system);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).contains("\"OperationOutcome\"");
        }
    }

    @Test
    void whenGarbageTokenThen401InvalidToken() throws Exception {
        assertInvalidToken(get("/Patient/" + a.id(), "garbage"));
    }

    @Test
    void whenExpiredTokenThen401InvalidToken() throws Exception {
        JWTClaimsSet claims = TOKENS.claims(a.id(), "patient/*.rs")
                .expirationTime(Date.from(Instant.now().minusSeconds(300))).build();
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.sign(claims)));
    }

    @Test
    void whenTokenSignedByAnotherKeyThen401InvalidToken() throws Exception {
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.signWithOtherKey(TOKENS.claims(a.id(), "patient/*.rs").build())));
    }

    @Test
    void whenAlgNoneThen401InvalidToken() throws Exception {
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.unsigned(TOKENS.claims(a.id(), "patient/*.rs").build())));
    }

    @Test
    void whenHmacSignedThen401InvalidToken() throws Exception {
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.hmacSigned(TOKENS.claims(a.id(), "patient/*.rs").build())));
    }

    @Test
    void whenWrongAudienceThen401InvalidToken() throws Exception {
        JWTClaimsSet claims = TOKENS.claims(a.id(), "patient/*.rs").audience("http://localhost:8080/other-fhir").build();
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.sign(claims)));
    }

    @Test
    void whenWrongIssuerThen401InvalidToken() throws Exception {
        JWTClaimsSet claims = TOKENS.claims(a.id(), "patient/*.rs").issuer("http://evil.example").build();
        assertInvalidToken(get("/Patient/" + a.id(), TOKENS.sign(claims)));
    }

    @Test
    void whenTheGrantIsRevokedThenItsAccessTokenGets401WithinFiveSeconds() throws Exception {
        JWTClaimsSet claims = TOKENS.claims(a.id(), "patient/*.rs").build();
        String token = TOKENS.sign(claims);
        assertThat(get("/Patient/" + a.id(), token).statusCode()).isEqualTo(200);
        TOKENS.revoke(claims.getStringClaim(org.portico.smart.claims.SmartClaims.GRANT_ID));
        long start = System.nanoTime();
        HttpResponse<String> r;
        do {
            Thread.sleep(100);
            r = get("/Patient/" + a.id(), token);
        } while (r.statusCode() == 200 && System.nanoTime() - start < 10_000_000_000L);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertInvalidToken(r);
        assertThat(r.body()).contains("revoked");
        assertThat(millis).as("ms from revocation to 401").isLessThan(5_000);
        System.out.printf("revoked grant refused after %d ms%n", millis);
        assertThat(get("/Patient/" + a.id(), tokenA("patient/*.rs")).statusCode()).as("another grant").isEqualTo(200);
    }

    @Test
    void whenSearchWithoutTokenThen401() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id(), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertNoDataOf(b, r);
        assertNoDataOf(a, r);
    }

    // --- patient A's token: own data yes ---

    @Test
    void whenOwnPatientThen200() throws Exception {
        HttpResponse<String> r = get("/Patient/" + a.id(), tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("id").asText()).isEqualTo(a.id());
    }

    @Test
    void whenOwnObservationsThen200WithOnlyThem() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_count=200", tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Observation")).containsExactlyInAnyOrderElementsOf(a.observationIds());
        assertNoDataOf(b, r);
    }

    // --- patient A's token: B's data never ---

    @Test
    void whenOtherPatientThen403() throws Exception {
        HttpResponse<String> r = get("/Patient/" + b.id(), tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertOperationOutcome(r);
        assertNoDataOf(b, r);
    }

    @Test
    void whenObservationSearchByOtherPatientThenNoData() throws Exception {
        assertEmptyOrForbidden(get("/Observation?patient=" + b.id(), tokenA("patient/*.rs")));
    }

    @Test
    void whenObservationSearchByOtherSubjectThenNoData() throws Exception {
        assertEmptyOrForbidden(get("/Observation?subject=Patient/" + b.id(), tokenA("patient/*.rs")));
    }

    @Test
    void whenObservationSearchByOtherPatientsObservationIdThenNoData() throws Exception {
        assertEmptyOrForbidden(get("/Observation?_id=" + b.observationIds().get(0), tokenA("patient/*.rs")));
    }

    @Test
    void whenOtherPatientsObservationReadThen403() throws Exception {
        HttpResponse<String> r = get("/Observation/" + b.observationIds().get(0), tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertOperationOutcome(r);
        assertNoDataOf(b, r);
    }

    @Test
    void whenConditionSearchByOtherPatientThenNoData() throws Exception {
        assertEmptyOrForbidden(get("/Condition?patient=" + b.id(), tokenA("patient/*.rs")));
    }

    @Test
    void whenPatientSearchByOtherIdThenNoData() throws Exception {
        assertEmptyOrForbidden(get("/Patient?_id=" + b.id(), tokenA("patient/*.rs")));
    }

    @Test
    void whenIncludeSubjectThenOnlyOwnPatient() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_include=Observation:subject&_count=200",
                tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Patient")).containsExactly(a.id());
        assertNoDataOf(b, r);
    }

    @Test
    void whenRevincludeObservationsThenOnlyOwnObservations() throws Exception {
        HttpResponse<String> r = get("/Patient?_id=" + a.id() + "&_revinclude=Observation:subject&_count=200",
                tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Patient")).containsExactly(a.id());
        assertThat(entryIds(r, "Observation")).isNotEmpty().allMatch(a.observationIds()::contains);
        assertNoDataOf(b, r);
    }

    @Test
    void whenSearchWithoutPatientThenNarrowedToOwnData() throws Exception {
        HttpResponse<String> r = get("/Observation?_count=200", tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Observation")).containsExactlyInAnyOrderElementsOf(a.observationIds());
        assertNoDataOf(b, r);
    }

    @Test
    void whenConditionSearchWithoutPatientThenNarrowedToOwnData() throws Exception {
        HttpResponse<String> r = get("/Condition", tokenA("patient/Condition.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Condition")).containsExactlyInAnyOrderElementsOf(a.conditionIds());
        assertNoDataOf(b, r);
    }

    // --- SMART v2 letters ---

    @Test
    void whenReadOnlyScopeThenReadAllowed() throws Exception {
        HttpResponse<String> r = get("/Observation/" + a.observationIds().get(0), tokenA("patient/Observation.r"));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void whenReadOnlyScopeThenSearchForbidden() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id(), tokenA("patient/Observation.r"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertOperationOutcome(r);
    }

    @Test
    void whenSearchOnlyScopeThenSearchAllowed() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_count=200", tokenA("patient/Observation.s"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Observation")).containsExactlyInAnyOrderElementsOf(a.observationIds());
    }

    @Test
    void whenSearchOnlyScopeThenNextPageAllowedAndOwnDataOnly() throws Exception {
        String token = tokenA("patient/Observation.s");
        HttpResponse<String> first = get("/Observation?_count=2", token);
        assertThat(first.statusCode()).isEqualTo(200);
        String next = null;
        for (JsonNode link : JSON.readTree(first.body()).path("link")) {
            if (link.path("relation").asText().equals("next")) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).as("a next link").startsWith(TestTokens.FHIR_BASE.toString());
        HttpResponse<String> page = get(next.substring(TestTokens.FHIR_BASE.toString().length()), token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(page.body()).path("entry")).hasSize(2);
        assertNoDataOf(b, page);
    }

    @Test
    void whenSearchOnlyScopeThenReadByIdForbidden() throws Exception {
        HttpResponse<String> r = get("/Observation/" + a.observationIds().get(0), tokenA("patient/Observation.s"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertOperationOutcome(r);
    }

    @Test
    void whenOnlyConditionScopeThenObservationsForbidden() throws Exception {
        String token = tokenA("patient/Condition.rs");
        assertThat(get("/Observation/" + a.observationIds().get(0), token).statusCode()).isEqualTo(403);
        HttpResponse<String> search = get("/Observation?patient=" + a.id(), token);
        assertThat(search.statusCode()).isEqualTo(403);
        assertNoDataOf(a, search);
        assertThat(get("/Condition?patient=" + a.id(), token).statusCode()).isEqualTo(200);
    }

    @Test
    void whenUnknownScopesOnlyThen403() throws Exception {
        assertThat(get("/Patient/" + a.id(), tokenA("patient/patient.rs user/*.rs bogus")).statusCode()).isEqualTo(403);
    }

    @Test
    void whenWriteAttemptedWithoutWriteScopeThen403() throws Exception {
        HttpRequest put = request("/Patient/" + a.id(), tokenA("patient/*.rs"))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"" + a.id() + "\"}"))
                .build();
        HttpResponse<String> r = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertOperationOutcome(r);
    }

    // --- errors ---

    @Test
    void whenBadSearchParameterValueThen400OperationOutcome() throws Exception {
        HttpResponse<String> r = get("/Observation?date=not-a-date", tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertOperationOutcome(r);
    }

    @Test
    void whenUnknownResourceTypeThen4xxOperationOutcome() throws Exception {
        HttpResponse<String> r = get("/NoSuchType/1", tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isBetween(400, 499);
        assertOperationOutcome(r);
    }

    // --- discovery ---

    @Test
    void whenMetadataThenPublicWithSmartSecurity() throws Exception {
        HttpResponse<String> r = get("/metadata", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode security = JSON.readTree(r.body()).path("rest").path(0).path("security");
        assertThat(security.path("cors").asBoolean()).isTrue();
        JsonNode coding = security.path("service").path(0).path("coding").path(0);
        assertThat(coding.path("system").asText()).isEqualTo("http://terminology.hl7.org/CodeSystem/restful-security-service");
        assertThat(coding.path("code").asText()).isEqualTo("SMART-on-FHIR");
        JsonNode oauth = null;
        for (JsonNode ext : security.path("extension")) {
            if (ext.path("url").asText().equals("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")) {
                oauth = ext;
            }
        }
        assertThat(oauth).isNotNull();
        List<String> uris = new ArrayList<>();
        oauth.path("extension").forEach(e -> uris.add(e.path("url").asText() + "=" + e.path("valueUri").asText()));
        assertThat(uris).contains(
                "authorize=" + TestTokens.ISSUER + "/oauth2/authorize",
                "token=" + TestTokens.ISSUER + "/oauth2/token");
    }

    @Test
    void whenSmartConfigurationThenPublicJsonWithCors() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/.well-known/smart-configuration"))
                .header("Origin", "https://app.example").GET().build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("application/json"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("issuer").asText()).isEqualTo(TestTokens.ISSUER.toString());
        assertThat(json.path("authorization_endpoint").asText()).isEqualTo(TestTokens.ISSUER + "/oauth2/authorize");
        assertThat(json.path("token_endpoint").asText()).isEqualTo(TestTokens.ISSUER + "/oauth2/token");
        assertThat(json.path("jwks_uri").asText()).isEqualTo(TestTokens.ISSUER + "/oauth2/jwks");
        assertThat(json.path("code_challenge_methods_supported").toString()).contains("S256");
        assertThat(json.path("capabilities").toString()).contains("launch-standalone", "permission-v2");
    }

    @Test
    void whenCorsPreflightThenAllowedWithoutToken() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/Observation"))
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
    }

    @Test
    void whenCorsRequestThenLocationAndEtagExposed() throws Exception {
        HttpRequest req = request("/Patient/" + a.id(), tokenA("patient/*.rs")).header("Origin", "https://app.example").GET().build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("Location", "Content-Location", "ETag");
    }

    // --- helpers ---

    private String tokenA(String scope) {
        return TOKENS.token(a.id(), scope);
    }

    private String base() {
        return "http://localhost:" + port + "/fhir";
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Accept", "application/fhir+json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return HTTP.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertInvalidToken(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                assertThat(h).startsWith("Bearer realm=").contains("error=\"invalid_token\"", "error_description="));
        assertOperationOutcome(r);
    }

    private static void assertOperationOutcome(HttpResponse<String> r) throws IOException {
        assertThat(JSON.readTree(r.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    private void assertEmptyOrForbidden(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).isIn(200, 403);
        if (r.statusCode() == 200) {
            assertThat(JSON.readTree(r.body()).path("entry")).isEmpty();
        } else {
            assertOperationOutcome(r);
        }
        assertNoDataOf(b, r);
    }

    private static void assertNoDataOf(TestPatient patient, HttpResponse<String> r) {
        assertThat(r.body()).doesNotContain(patient.id());
        for (String id : patient.observationIds()) {
            assertThat(r.body()).doesNotContain("Observation/" + id).doesNotContain("\"" + id + "\"");
        }
        for (String id : patient.conditionIds()) {
            assertThat(r.body()).doesNotContain("Condition/" + id).doesNotContain("\"" + id + "\"");
        }
    }

    private static List<String> entryIds(HttpResponse<String> r, String type) throws IOException {
        JsonNode bundle = JSON.readTree(r.body());
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
}
