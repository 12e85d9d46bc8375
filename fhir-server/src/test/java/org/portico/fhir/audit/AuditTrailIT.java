package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestServerProperties;
import org.portico.fhir.TestPatients;
import org.portico.fhir.TestPatients.TestPatient;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The audit trail over real HTTP and PostgreSQL (ADR 0005, ADR 0012): every request of a patient's
 * app, allowed or denied, is a BALP AuditEvent in the audit log before its response is sent; the
 * patient reads their own access log and nobody else's; apps cannot write AuditEvents; and a
 * request whose audit row cannot be stored does not succeed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditTrailIT {

    private static final TestTokens TOKENS = new TestTokens();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        TestServerProperties.register(registry, db, TOKENS);
        // a schema of its own: the events of FhirServerIT's server (same database, cached context) stay out
        registry.add("portico.fhir.db.schema", () -> "audit_it");
    }

    @AfterAll
    static void stopJwks() {
        TOKENS.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    DaoRegistry daos;
    @Autowired
    FhirContext fhir;
    @Autowired
    AuditLog auditLog;
    @Autowired
    AuditEventProvider auditEvents;
    @Autowired
    DataSource dataSource;
    @Autowired
    BalpAuditEvents balp;

    private TestPatient a;
    private TestPatient b;
    /** A client id of this test alone, so its events are told apart from the other tests'. */
    private String app;
    private String subject;

    @BeforeEach
    void setUp() {
        List<TestPatient> patients = TestPatients.withObservationsAndConditions(daos);
        a = patients.get(0);
        b = patients.get(1);
        app = "audit-app-" + UUID.randomUUID();
        subject = "user-" + UUID.randomUUID();
    }

    // --- what an app's requests leave in the trail ---

    @Test
    void whenAppReadsThenPatientReadEventNamesAppUserPatientAndResource() throws Exception {
        HttpResponse<String> r = get("/Patient/" + a.id(), tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getMeta().getProfile().get(0).getValue()).isEqualTo("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead");
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(e.getRecorded()).isNotNull();
        assertThat(e.getSource().getObserver().getDisplay()).isEqualTo(TestTokens.FHIR_BASE.toString());
        assertThat(clientAgent(e).getWho().getIdentifier().getValue()).isEqualTo(app);
        AuditEventAgentComponent user = userAgent(e).orElseThrow();
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo(subject);
        assertThat(user.getAltId()).isEqualTo(TestTokens.FHIR_BASE + "/Patient/" + a.id());
        assertThat(user.getRequestor()).isTrue();
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
        assertThat(dataEntities(e)).containsExactly("Patient/" + a.id());
    }

    @Test
    void whenAppSearchesThenPatientQueryEventHasTheQueryAndEveryReturnedResource() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_count=200", tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        AuditEventEntityComponent query = e.getEntity().stream()
                .filter(en -> "24".equals(en.getRole().getCode())).findFirst().orElseThrow();
        assertThat(new String(query.getQuery())).startsWith(TestTokens.FHIR_BASE + "/Observation?").contains("patient=" + a.id());
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
        assertThat(dataEntities(e)).containsExactlyInAnyOrderElementsOf(
                a.observationIds().stream().map(id -> "Observation/" + id).toList());
    }

    @Test
    void whenAppSearchesWithIncludeThenIncludedResourcesAreNamedToo() throws Exception {
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_include=Observation:subject&_count=200",
                tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(200);

        AuditEvent e = awaitEvent(r);
        assertThat(dataEntities(e)).contains("Patient/" + a.id())
                .containsAll(a.observationIds().stream().map(id -> "Observation/" + id).toList());
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
    }

    @Test
    void whenReadOfOtherPatientsResourceDeniedThenFailureEventInOwnLogNamingNothingOfTheOther() throws Exception {
        String bObservation = b.observationIds().get(0);
        HttpResponse<String> r = get("/Observation/" + bObservation, tokenA("patient/*.rs"));
        assertThat(r.statusCode()).isEqualTo(403);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(e.getOutcomeDesc()).startsWith("HTTP 403");
        assertThat(clientAgent(e).getWho().getIdentifier().getValue()).isEqualTo(app);
        // in A's log (A's app asked), never in B's, and no link to what the server found
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
        assertThat(dataEntities(e)).isEmpty();
        assertThat(allReferences(e)).noneMatch(ref -> ref.contains(b.id()) || ref.contains(bObservation));
        String json = fhir.newJsonParser().encodeResourceToString(e);
        assertThat(json).as("not even the id the app tried").doesNotContain(bObservation).contains("Observation/{id}");
    }

    @Test
    void whenInvalidTokenThenFailureEventWithoutClientOrPatient() throws Exception {
        HttpResponse<String> r = get("/Patient/" + a.id(), TOKENS.signWithOtherKey(claims(a.id(), "patient/*.rs").build()));
        assertThat(r.statusCode()).isEqualTo(401);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(e.getOutcomeDesc()).startsWith("HTTP 401");
        // the token's claims are not trusted: no client, user or patient taken from it
        assertThat(clientAgent(e).getWho().hasIdentifier()).isFalse();
        assertThat(userAgent(e)).isEmpty();
        assertThat(patientEntities(e)).isEmpty();
        assertThat(clientAgent(e).getNetwork().getAddress()).isNotBlank();
    }

    @Test
    void whenCreateRefusedThenFailureEventForTheCreate() throws Exception {
        String body = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/" + a.id() + "\"}}";
        // a read-only token: the create is refused
        HttpResponse<String> r = send(request("/Observation", tokenA("patient/*.rs"))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).isEqualTo(403);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("create");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
    }

    @Test
    void whenCreateAllowedThenSuccessEventNamingTheNewResource() throws Exception {
        String body = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/" + a.id() + "\"}}";
        HttpResponse<String> r = send(request("/Observation", tokenA("patient/Observation.c"))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).isEqualTo(201);

        AuditEvent e = awaitEvent(r);
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("create");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(patientEntities(e)).containsExactly("Patient/" + a.id());
    }

    // --- the patient's own access log ---

    @Test
    void whenPatientReadsOwnAccessLogThenSeesOwnEventsAndNeverAnotherPatients() throws Exception {
        HttpResponse<String> read = get("/Patient/" + a.id(), tokenA("patient/*.rs"));
        HttpResponse<String> readB = get("/Patient/" + b.id(), TOKENS.sign(claims(b.id(), "patient/*.rs").build()));
        String aEvent = awaitEvent(read).getIdElement().getIdPart();
        String bEvent = awaitEvent(readB).getIdElement().getIdPart();

        for (String scope : List.of("patient/AuditEvent.rs", "patient/*.rs", "patient/AuditEvent.read")) {
            HttpResponse<String> log = get("/AuditEvent?patient=" + a.id() + "&_count=200", TOKENS.token(a.id(), scope));
            assertThat(log.statusCode()).as(scope).isEqualTo(200);
            List<JsonNode> events = entries(log);
            assertThat(events).as(scope).isNotEmpty();
            assertThat(ids(events)).as(scope).contains(aEvent).doesNotContain(bEvent);
            assertThat(events).as(scope).allSatisfy(ev -> assertThat(ev.toString()).contains("\"reference\":\"Patient/" + a.id() + "\""));
            assertThat(log.body()).as(scope).doesNotContain("Patient/" + b.id());
        }
        // a search without the patient parameter is narrowed to the token's patient
        HttpResponse<String> narrowed = get("/AuditEvent?_count=200", TOKENS.token(a.id(), "patient/AuditEvent.rs"));
        assertThat(narrowed.statusCode()).isEqualTo(200);
        assertThat(ids(entries(narrowed))).contains(aEvent).doesNotContain(bEvent);
        assertThat(narrowed.body()).doesNotContain("Patient/" + b.id());
    }

    @Test
    void whenABackendRequestShowsSeveralPatientsThenOneEventPerPatientAndNoneNamesAnother() throws Exception {
        String backend = TOKENS.sign(TOKENS.claims(null, "system/Patient.rs").claim("client_id", "audit-backend").build());
        HttpResponse<String> r = get("/Patient?_id=" + a.id() + "," + b.id(), backend);
        assertThat(r.statusCode()).isEqualTo(200);
        String requestId = r.headers().firstValue("X-Request-ID").orElseThrow();
        List<AuditEvent> events = allEvents().stream().filter(byRequestId(requestId)).toList();
        assertThat(events).hasSize(2);
        for (AuditEvent e : events) {
            assertThat(patientEntities(e)).hasSize(1);
            String own = patientEntities(e).get(0);
            String other = own.equals("Patient/" + a.id()) ? "Patient/" + b.id() : "Patient/" + a.id();
            String json = fhir.newJsonParser().encodeResourceToString(e);
            assertThat(json).as("event of %s", own).contains(own).doesNotContain(other)
                    .doesNotContain(other.substring("Patient/".length()));
        }
        // and in A's access log: the event, naming A alone
        HttpResponse<String> log = get("/AuditEvent?patient=" + a.id() + "&_count=500", TOKENS.token(a.id(), "patient/AuditEvent.rs"));
        assertThat(log.body()).contains(requestId).doesNotContain(b.id());
    }

    @Test
    void whenOtherPatientAsksForMyAccessLogThenNothing() throws Exception {
        awaitEvent(get("/Patient/" + a.id(), tokenA("patient/*.rs")));
        String bToken = TOKENS.token(b.id(), "patient/AuditEvent.rs");

        HttpResponse<String> byPatient = get("/AuditEvent?patient=" + a.id(), bToken);
        assertThat(byPatient.statusCode()).isIn(200, 403);
        if (byPatient.statusCode() == 200) {
            assertThat(entries(byPatient)).isEmpty();
        }
        assertThat(byPatient.body()).doesNotContain("Patient/" + a.id());

        String aEventId = awaitEvent(get("/Patient/" + a.id(), tokenA("patient/*.rs"))).getIdElement().getIdPart();
        HttpResponse<String> byId = get("/AuditEvent/" + aEventId, bToken);
        assertThat(byId.statusCode()).isEqualTo(403);
        assertThat(byId.body()).doesNotContain("Patient/" + a.id());
    }

    @Test
    void whenTokenLacksAuditEventScopeThenAccessLogForbidden() throws Exception {
        HttpResponse<String> r = get("/AuditEvent?patient=" + a.id(), TOKENS.token(a.id(), "patient/Observation.rs"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("Patient/" + a.id());
    }

    @Test
    void whenPatientReadsAccessLogThenThatReadIsNotAudited() throws Exception {
        String token = tokenA("patient/AuditEvent.rs");
        HttpResponse<String> r = get("/AuditEvent?patient=" + a.id(), token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(eventsOf(app)).isEmpty();
    }

    @Test
    void accessLogPagesNewestFirstAndTheCapabilityStatementSaysExactlyWhatIsServed() throws Exception {
        String token = tokenA("patient/*.rs");
        for (int i = 0; i < 3; i++) {
            assertThat(get("/Observation/" + a.observationIds().get(0), token).statusCode()).isEqualTo(200);
        }
        String logToken = TOKENS.token(a.id(), "patient/AuditEvent.rs");
        HttpResponse<String> first = get("/AuditEvent?patient=Patient/" + a.id() + "&_count=2", logToken);
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(first.body());
        assertThat(bundle.path("entry")).hasSize(2);
        String next = null;
        for (JsonNode link : bundle.path("link")) {
            if (link.path("relation").asText().equals("next")) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).startsWith(TestTokens.FHIR_BASE.toString()).contains("_offset=2");
        HttpResponse<String> second = get(next.substring(TestTokens.FHIR_BASE.toString().length()), logToken);
        assertThat(second.statusCode()).isEqualTo(200);
        List<String> recorded = new ArrayList<>();
        for (HttpResponse<String> page : List.of(first, second)) {
            for (JsonNode e : JSON.readTree(page.body()).path("entry")) {
                recorded.add(e.path("resource").path("recorded").asText());
            }
        }
        assertThat(recorded).hasSizeGreaterThanOrEqualTo(3);
        assertThat(recorded).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(get("/AuditEvent?patient=" + a.id() + "&_sort=status", logToken).statusCode()).isEqualTo(400);
        assertThat(get("/AuditEvent?patient=" + a.id() + "&outcome=0", logToken).statusCode()).isEqualTo(400);

        JsonNode metadata = JSON.readTree(get("/metadata", null).body());
        for (JsonNode resource : metadata.path("rest").get(0).path("resource")) {
            assertThat(resource.path("searchRevInclude").toString()).as(resource.path("type").asText()).doesNotContain("AuditEvent:");
            if (resource.path("type").asText().equals("AuditEvent")) {
                List<String> params = new ArrayList<>();
                resource.path("searchParam").forEach(p -> params.add(p.path("name").asText()));
                List<String> interactions = new ArrayList<>();
                resource.path("interaction").forEach(p -> interactions.add(p.path("code").asText()));
                assertThat(params).containsExactly("patient", "date");
                assertThat(interactions).containsExactly("read", "search-type");
            }
        }
    }

    // --- only the server writes AuditEvents ---

    @Test
    void whenAppPostsPutsOrDeletesAuditEventThen403() throws Exception {
        String token = tokenA("patient/*.cruds patient/AuditEvent.cruds");
        String body = fhir.newJsonParser().encodeResourceToString(balp.build(sampleRecord(), true));
        HttpResponse<String> post = send(request("/AuditEvent", token).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(post.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");

        String existing = awaitEvent(get("/Patient/" + a.id(), tokenA("patient/*.rs"))).getIdElement().getIdPart();
        AuditRecord before = auditLog.find(existing).orElseThrow();
        HttpResponse<String> put = send(request("/AuditEvent/" + existing, token).header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.replaceFirst("\\{", "{\"id\":\"" + existing + "\","))).build());
        assertThat(put.statusCode()).isEqualTo(403);
        HttpResponse<String> delete = send(request("/AuditEvent/" + existing, token).DELETE().build());
        assertThat(delete.statusCode()).isEqualTo(403);

        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + body
                + ",\"request\":{\"method\":\"POST\",\"url\":\"AuditEvent\"}}]}";
        HttpResponse<String> tx = send(request("", token).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(transaction)).build());
        assertThat(tx.statusCode()).isEqualTo(403);
        assertThat(auditLog.find(existing)).contains(before);
        // nor does anything reach HAPI's own AuditEvent tables
        assertThat(daos.getResourceDao(AuditEvent.class).search(SearchParameterMap.newSynchronous(), new SystemRequestDetails())
                .getAllResources()).isEmpty();
    }

    // --- durability ---

    @Test
    void whenResponseArrivesThenItsEventIsAlreadyInTheAccessLog() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/Observation/" + a.observationIds().get(0), tokenA("patient/*.rs"));
            assertThat(r.statusCode()).isEqualTo(200);
            String requestId = r.headers().firstValue("X-Request-ID").orElseThrow();
            // no waiting: the row was committed before the response was sent (group commit, ADR 0012)
            assertThat(allEvents()).as("event of request " + i).anyMatch(byRequestId(requestId));
        }
    }

    @Test
    void whenAuditRowCannotBeStoredThenRequestFailsWith503AndNoData() throws Exception {
        try {
            execute("ALTER TABLE portico_audit_log RENAME TO portico_audit_log_away");
            HttpResponse<String> r = get("/Patient/" + a.id(), tokenA("patient/*.rs"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(r.body()).doesNotContain("\"id\":\"" + a.id() + "\"");
        } finally {
            execute("ALTER TABLE portico_audit_log_away RENAME TO portico_audit_log");
        }
        assertThat(get("/Patient/" + a.id(), tokenA("patient/*.rs")).statusCode()).as("recovers at once").isEqualTo(200);
    }

    // --- helpers ---

    private JWTClaimsSet.Builder claims(String patient, String scope) {
        return TOKENS.claims(patient, scope)
                .subject(subject)
                .claim(SmartClaims.CLIENT_ID, app)
                .claim(SmartClaims.FHIR_USER, TestTokens.FHIR_BASE + "/Patient/" + patient);
    }

    private String tokenA(String scope) {
        return TOKENS.sign(claims(a.id(), scope).build());
    }

    private AuditRecord sampleRecord() {
        return new AuditRecord(UUID.randomUUID().toString(), java.time.Instant.now(), "read", 200, "GET", "Patient",
                "Patient/" + a.id(), app, subject, null, List.of(a.id()), List.of("Patient/" + a.id()), "127.0.0.1", "x", null);
    }

    /** The AuditEvent of the request that got this response, found by its X-Request-ID: stored before the response. */
    private AuditEvent awaitEvent(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        return await(byRequestId(requestId));
    }

    private static Predicate<AuditEvent> byRequestId(String requestId) {
        return e -> e.getEntity().stream().anyMatch(en -> "XrequestId".equals(en.getType().getCode())
                && requestId.equals(en.getWhat().getIdentifier().getValue()));
    }

    private AuditEvent await(Predicate<AuditEvent> match) {
        return allEvents().stream().filter(match).findFirst()
                .orElseThrow(() -> new AssertionError("no matching AuditEvent in the audit log"));
    }

    private List<AuditEvent> eventsOf(String clientId) {
        return allEvents().stream().filter(e -> clientId.equals(clientAgent(e).getWho().getIdentifier().getValue())).toList();
    }

    private List<AuditEvent> allEvents() {
        return auditLog.search(new AuditLog.Query(List.of(), null, null, true), 0, 100_000).stream()
                .map(auditEvents::toResource).toList();
    }

    private static AuditEventAgentComponent clientAgent(AuditEvent e) {
        return e.getAgentFirstRep();
    }

    private static Optional<AuditEventAgentComponent> userAgent(AuditEvent e) {
        return e.getAgent().stream().filter(ag -> "IRCP".equals(ag.getType().getCodingFirstRep().getCode())).findFirst();
    }

    private static List<String> patientEntities(AuditEvent e) {
        return e.getEntity().stream().filter(en -> "1".equals(en.getRole().getCode()))
                .map(en -> en.getWhat().getReference()).toList();
    }

    private static List<String> dataEntities(AuditEvent e) {
        return e.getEntity().stream().filter(en -> "4".equals(en.getRole().getCode()))
                .map(en -> en.getWhat().getIdentifier().getValue()).toList();
    }

    private static Set<String> allReferences(AuditEvent e) {
        Set<String> refs = new HashSet<>();
        e.getEntity().forEach(en -> refs.add(en.getWhat().getReference() + " " + en.getWhat().getIdentifier().getValue()));
        e.getAgent().forEach(ag -> refs.add(String.valueOf(ag.getWho().getReference())));
        return refs;
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path))
                .header("Accept", "application/fhir+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(request(path, token).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> entries(HttpResponse<String> r) throws IOException {
        List<JsonNode> resources = new ArrayList<>();
        JSON.readTree(r.body()).path("entry").forEach(en -> resources.add(en.path("resource")));
        return resources;
    }

    private static List<String> ids(List<JsonNode> resources) {
        return resources.stream().map(n -> n.path("id").asText()).toList();
    }
}
