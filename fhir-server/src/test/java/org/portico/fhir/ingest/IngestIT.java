package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sources, the two push channels, atomic and idempotent units, and who may do what (ADR 0017).
 * The sample bundles are picked by position in their folder, never by what they hold.
 */
class IngestIT extends IngestItSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "ingest");
    }

    private static final String CLIENT_A = "ehr-a-pusher";
    private static final String CLIENT_B = "ehr-b-pusher";
    private JsonNode sourceA;
    private JsonNode sourceB;

    @BeforeEach
    void sources() throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json")).path("sources");
        sourceA = manifest.path("ehr-a");
        sourceB = manifest.path("ehr-b");
        register(sourceA.path("name").asText(), sourceA.path("meta_source").asText(), CLIENT_A,
                sourceA.path("record_id_system").asText(), sourceA.path("mrn_system").asText());
        register(sourceB.path("name").asText(), sourceB.path("meta_source").asText(), CLIENT_B,
                sourceB.path("record_id_system").asText(), sourceB.path("mrn_system").asText());
    }

    // --- registering sources ---

    @Test
    void whenNoTokenThenRegisteringIs401() throws Exception {
        HttpResponse<String> r = post("/$register-source", null, FHIR_JSON, registration("X", "http://x.test", "x", "urn:x:9", "urn:x:1"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void whenAPatientOrUserTokenRegistersThen403() throws Exception {
        String body = registration("X", "http://x.test", "x", "urn:x:9", "urn:x:1");
        assertThat(post("/$register-source", patientToken("123", "patient/*.cruds"), FHIR_JSON, body).statusCode()).isEqualTo(403);
        assertThat(post("/$register-source", userToken("123", "user/*.cruds"), FHIR_JSON, body).statusCode()).isEqualTo(403);
    }

    @Test
    void whenASystemTokenLacksOrganizationWritesThenRegisteringIs403() throws Exception {
        String body = registration("X", "http://x.test", "x", "urn:x:9", "urn:x:1");
        for (String scope : List.of("system/Observation.cu", "system/Organization.r", "system/Organization.c",
                "system/Organization.cu?identifier=urn:x|1")) {
            HttpResponse<String> r = post("/$register-source", backend("operator-2", scope), FHIR_JSON, body);
            assertThat(r.statusCode()).as(scope).isEqualTo(403);
            assertThat(r.body()).contains("OperationOutcome");
        }
        assertThat(jdbc().queryForObject("SELECT count(*) FROM portico_ingest_source WHERE uri = 'http://x.test'", Long.class)).isZero();
    }

    @Test
    void whenASourcesOwnClientRegistersThen403() throws Exception {
        HttpResponse<String> r = post("/$register-source", backend(CLIENT_A, "system/*.cu"), FHIR_JSON,
                registration("X", "http://x.test", "x", "urn:x:9", "urn:x:1"));
        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void whenRegisteredAgainThenTheSameSourceAndOrganization() throws Exception {
        JsonNode again = register(sourceA.path("name").asText(), sourceA.path("meta_source").asText(), CLIENT_A,
                sourceA.path("record_id_system").asText(), sourceA.path("mrn_system").asText());
        JsonNode once = register(sourceA.path("name").asText(), sourceA.path("meta_source").asText(), CLIENT_A,
                sourceA.path("record_id_system").asText(), sourceA.path("mrn_system").asText());
        assertThat(once.toString()).isEqualTo(again.toString());
        assertThat(jdbc().queryForObject("SELECT count(*) FROM portico_ingest_source WHERE uri = ?", Long.class,
                sourceA.path("meta_source").asText())).isEqualTo(1);
    }

    @Test
    void whenAnotherSourceClaimsAClientThenConflict() throws Exception {
        HttpResponse<String> r = post("/$register-source", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                registration("X", "http://x.test", CLIENT_A, "urn:x:9", "urn:x:1"));
        assertThat(r.statusCode()).isEqualTo(409);
    }

    // --- who may push ---

    @Test
    void whenPushedWithoutTheRightTokenThenRefusedAndNothingStored() throws Exception {
        String bundle = bundle("ehr-a", 0);
        long before = versions();
        assertThat(post("/$ingest", null, FHIR_JSON, bundle).statusCode()).isEqualTo(401);
        assertThat(post("/$ingest", patientToken("123", "patient/*.cruds"), FHIR_JSON, bundle).statusCode()).isEqualTo(403);
        assertThat(post("/$ingest", userToken("123", "user/*.cruds"), FHIR_JSON, bundle).statusCode()).isEqualTo(403);
        // a backend client that is no registered source
        assertThat(post("/$ingest", backend("stranger", "system/*.cruds"), FHIR_JSON, bundle).statusCode()).isEqualTo(403);
        // a source whose token cannot write every type of the unit
        HttpResponse<String> partial = post("/$ingest", backend(CLIENT_A, "system/Patient.cu system/Observation.cu"), FHIR_JSON, bundle);
        assertThat(partial.statusCode()).isEqualTo(403);
        assertThat(partial.body()).contains("system/Encounter.cu");
        assertThat(post("/$ingest-ndjson", backend(CLIENT_A, "system/*.rs"), NDJSON, ndjson(bundle)).statusCode()).isEqualTo(403);
        assertThat(versions()).isEqualTo(before);
    }

    // --- channel (a): a Bundle ---

    @Test
    void whenABundleIsPushedThenEveryResourceCarriesItsSourceAndTheUnitHasProvenance() throws Exception {
        String bundle = bundle("ehr-a", 1);
        JsonNode input = JSON.readTree(bundle);
        HttpResponse<String> r = push(CLIENT_A, bundle);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = json(r);
        int entries = input.path("entry").size();
        assertThat(count(report, "created") + count(report, "updated") + count(report, "unchanged")).isGreaterThanOrEqualTo(entries);
        assertThat(count(report, "rejected")).isZero();

        JsonNode patientEntry = first(input, "Patient");
        String record = stored(report, patientEntry.path("resource").path("id").asText());
        String unified = unifiedOf(record.substring("Patient/".length()));
        String system = backend("reader", "system/*.rs");
        JsonNode storedRecord = json(get("/" + record, system));
        assertThat(storedRecord.path("meta").path("tag").toString()).contains("source-record");

        JsonNode observation = first(input, "Observation").path("resource");
        JsonNode storedObservation = json(get("/" + stored(report, observation.path("id").asText()), system));
        assertThat(storedObservation.path("meta").path("source").asText()).startsWith(sourceA.path("meta_source").asText());
        assertThat(storedObservation.path("identifier").toString())
                .contains(sourceA.path("record_id_system").asText()).contains(observation.path("id").asText());
        assertThat(storedObservation.path("subject").path("reference").asText()).isEqualTo("Patient/" + unified);
        if (observation.has("encounter")) {
            assertThat(storedObservation.path("encounter").path("reference").asText()).startsWith("Encounter/").doesNotContain("urn:");
        }

        List<String> provenances = provenances(report);
        assertThat(provenances).isNotEmpty();
        boolean aboutThePatient = false;
        for (String id : provenances) {
            JsonNode provenance = json(get("/" + id, system));
            assertThat(provenance.path("recorded").asText()).isNotBlank();
            assertThat(provenance.path("agent").toString()).contains("\"author\"").contains("\"transmitter\"");
            aboutThePatient |= provenance.path("target").toString().contains("Patient/" + unified + "\"")
                    && provenance.path("target").toString().contains(storedObservation.path("id").asText());
        }
        assertThat(aboutThePatient).as("a Provenance names the unified Patient and its data").isTrue();
    }

    @Test
    void whenTheSameBundleIsSentAgainThenNoNewVersionAndNoProvenance() throws Exception {
        String bundle = bundle("ehr-a", 2);
        assertThat(push(CLIENT_A, bundle).statusCode()).isEqualTo(200);
        long versions = versions();
        long provenances = resources("Provenance");
        HttpResponse<String> again = push(CLIENT_A, bundle);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode report = json(again);
        assertThat(count(report, "created")).isZero();
        assertThat(count(report, "updated")).isZero();
        assertThat(count(report, "unchanged")).isEqualTo(JSON.readTree(bundle).path("entry").size());
        assertThat(provenances(report)).isEmpty();
        assertThat(versions()).isEqualTo(versions);
        assertThat(resources("Provenance")).isEqualTo(provenances);
    }

    @Test
    void whenAResourceChangesThenOnlyItGetsANewVersion() throws Exception {
        String bundle = bundle("ehr-a", 6);
        assertThat(push(CLIENT_A, bundle).statusCode()).isEqualTo(200);
        ObjectNode changed = (ObjectNode) JSON.readTree(bundle);
        // a vital sign: no other source sent it (shared facts are laboratory results, problems, allergies, medications)
        ObjectNode observation = null;
        for (JsonNode entry : changed.path("entry")) {
            if (observation == null && entry.path("resource").path("category").toString().contains("vital-signs")) {
                observation = (ObjectNode) entry.path("resource");
            }
        }
        assertThat(observation).isNotNull();
        observation.put("status", observation.path("status").asText().equals("amended") ? "final" : "amended");
        long versions = versions();
        HttpResponse<String> r = push(CLIENT_A, changed.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = json(r);
        assertThat(count(report, "updated")).isEqualTo(1);
        assertThat(count(report, "created")).isZero();
        assertThat(versions()).isEqualTo(versions + 1 + provenances(report).size());
        String stored = stored(report, observation.path("id").asText());
        assertThat(json(get("/" + stored, backend("reader", "system/*.rs"))).path("status").asText())
                .isEqualTo(observation.path("status").asText());
    }

    @Test
    void whenAnEntryIsRejectedThenTheAnswerNamesItAndNothingIsStored() throws Exception {
        ObjectNode bundle = (ObjectNode) JSON.readTree(bundle("ehr-a", 3));
        ObjectNode broken = ((ObjectNode) first(bundle, "Observation")).deepCopy();
        ((ObjectNode) broken.path("resource")).put("id", "not-sent-before");
        ((ObjectNode) broken.path("resource").path("subject")).put("reference", "urn:uuid:00000000-0000-0000-0000-000000000000");
        broken.put("fullUrl", "urn:uuid:11111111-1111-1111-1111-111111111111");
        ((ArrayNode) bundle.path("entry")).add(broken);
        long versions = versions();
        long links = links();
        HttpResponse<String> r = push(CLIENT_A, bundle.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode outcome = json(r);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").toString()).contains("Bundle.entry[" + (bundle.path("entry").size() - 1) + "]");
        assertThat(versions()).isEqualTo(versions);
        assertThat(links()).isEqualTo(links);
    }

    @Test
    void whenTheStorageRefusesAnEntryMidwayThenTheWholeUnitRollsBack() throws Exception {
        String original = bundle("ehr-a", 4);
        ObjectNode bundle = (ObjectNode) JSON.readTree(original);
        // the last entry's subject names an Encounter, which the storage refuses only when it writes that entry
        JsonNode encounter = first(bundle, "Encounter");
        JsonNode last = null;
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.path("resource").has("subject")) {
                last = entry;
            }
        }
        ((ObjectNode) last.path("resource").path("subject")).put("reference", encounter.path("fullUrl").asText());
        long versions = versions();
        long links = links();
        long patients = resources("Patient");
        HttpResponse<String> r = push(CLIENT_A, bundle.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(json(r).path("issue").toString()).contains("Bundle.entry[");
        assertThat(versions()).isEqualTo(versions);
        assertThat(links()).isEqualTo(links);
        assertThat(resources("Patient")).isEqualTo(patients);
        // the same unit, unbroken, is stored: the refusal was the broken entry
        HttpResponse<String> fixed = push(CLIENT_A, original);
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
        assertThat(count(json(fixed), "created")).isGreaterThan(0);
    }

    @Test
    void whenTheBodyIsNotAPushableBundleThen400() throws Exception {
        assertThat(push(CLIENT_A, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}").statusCode()).isEqualTo(400);
        assertThat(push(CLIENT_A, "{\"resourceType\":\"Patient\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> garbage = push(CLIENT_A, "not json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("OperationOutcome");
    }

    // --- channel (b): ndjson ---

    @Test
    void whenNdjsonComesInTwoUnitsThenTheSecondRefersToTheFirstAndAResendChangesNothing() throws Exception {
        String bundle = bundle("ehr-b", 0);
        String lines = ndjson(bundle);
        List<String> people = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String line : lines.split("\n")) {
            String type = JSON.readTree(line).path("resourceType").asText();
            (Set.of("Patient", "Organization", "Practitioner").contains(type) ? people : data).add(line);
        }
        HttpResponse<String> first = post("/$ingest-ndjson", backend(CLIENT_B, SOURCE_SCOPE), NDJSON, String.join("\n", people));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = post("/$ingest-ndjson", backend(CLIENT_B, SOURCE_SCOPE), NDJSON, String.join("\n", data) + "\n");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode report = json(second);
        // facts another source sent before are not stored twice: that source's resource is updated
        assertThat(count(report, "created") + count(report, "updated")).isEqualTo(data.size());

        String record = stored(json(first), first(JSON.readTree(bundle), "Patient").path("resource").path("id").asText());
        String unified = unifiedOf(record.substring("Patient/".length()));
        JsonNode observation = first(JSON.readTree(bundle), "Observation").path("resource");
        JsonNode storedObservation = json(get("/" + stored(report, observation.path("id").asText()), backend("reader", "system/*.rs")));
        assertThat(storedObservation.path("subject").path("reference").asText()).isEqualTo("Patient/" + unified);
        // B's own resource, or the same fact sent by A before (then stored once, carrying B's id too)
        assertThat(storedObservation.path("identifier").toString())
                .contains(sourceB.path("record_id_system").asText()).contains(observation.path("id").asText());
        assertThat(storedObservation.path("meta").path("source").asText())
                .matches("(" + java.util.regex.Pattern.quote(sourceB.path("meta_source").asText()) + "|"
                        + java.util.regex.Pattern.quote(sourceA.path("meta_source").asText()) + ").*");

        long versions = versions();
        HttpResponse<String> again = post("/$ingest-ndjson", backend(CLIENT_B, SOURCE_SCOPE), NDJSON, String.join("\n", data));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(count(json(again), "unchanged")).isEqualTo(data.size());
        assertThat(versions()).isEqualTo(versions);
    }

    @Test
    void whenAnNdjsonLineIsBrokenThenTheUnitIsRejected() throws Exception {
        long versions = versions();
        String lines = ndjson(bundle("ehr-b", 1));
        HttpResponse<String> r = post("/$ingest-ndjson", backend(CLIENT_B, SOURCE_SCOPE), NDJSON, lines + "\n{\"resourceType\": \"Observation\", oops}\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("line ");
        assertThat(versions()).isEqualTo(versions);
    }

    // --- validation against US Core ---

    @Test
    void whenAStrictSourceSendsWhatBreaksUsCoreThenTheUnitIsRefusedNamingTheResourceAndTheRule() throws Exception {
        registerStrict();
        ObjectNode unit = (ObjectNode) JSON.readTree(GeneratedUnits.unit("strict-", 1, 1, "urn:strict:mrn"));
        // US Core Patient: a name is required
        ((ObjectNode) unit.path("entry").path(0).path("resource")).remove("name");
        long versions = versions();
        HttpResponse<String> r = post("/$ingest", backend("ehr-strict", SOURCE_SCOPE), FHIR_JSON, unit.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode outcome = json(r);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").toString()).contains("Bundle.entry[0]").contains("strict-p-1").contains("us-core-patient")
                .contains("Patient.name");
        assertThat(versions()).as("nothing stored").isEqualTo(versions);

        HttpResponse<String> fixed = post("/$ingest", backend("ehr-strict", SOURCE_SCOPE), FHIR_JSON,
                GeneratedUnits.unit("strict-", 1, 1, "urn:strict:mrn"));
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
    }

    @Test
    void whenASourceIsAcceptedWithWarningsThenTheReportListsWhatBreaksUsCore() throws Exception {
        // sources A and B have the server's setting, accept-with-warnings; the synthetic sample breaks a few rules
        ObjectNode unit = (ObjectNode) JSON.readTree(GeneratedUnits.unit("lenient-", 1, 1, sourceA.path("mrn_system").asText()));
        ((ObjectNode) unit.path("entry").path(0).path("resource")).remove("name");
        HttpResponse<String> r = push(CLIENT_A, unit.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> warnings = new ArrayList<>();
        json(r).path("parameter").forEach(p -> {
            if (p.path("name").asText().equals("warning")) {
                warnings.add(p.toString());
            }
        });
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("Bundle.entry[0]").contains("lenient-p-1").contains("Patient.name"));
        assertThat(count(json(r), "created")).isPositive();
    }

    @Test
    void whenRegisteredWithAnUnknownValidationModeThen400() throws Exception {
        HttpResponse<String> r = post("/$register-source", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                registration("X", "http://x.test", "x", "urn:x:9", "urn:x:1", "lenient"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("OperationOutcome");
    }

    /** Ingest rate of the same kind of units with and without validation, in one run (printed, never asserted). */
    @Test
    void ingestRateWithAndWithoutValidation() throws Exception {
        post("/$register-source", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                registration("Unvalidated", "http://unvalidated.test/fhir", "ehr-off", "urn:off:record", "urn:off:mrn", "off"));
        register("Validated", "http://validated.test/fhir", "ehr-on", "urn:on:record", "urn:on:mrn");
        int units = 6;
        int perUnit = 10;
        // warm both paths once (the validator's first use loads and snapshots the profiles)
        assertThat(post("/$ingest", backend("ehr-on", SOURCE_SCOPE), FHIR_JSON, GeneratedUnits.unit("on-", 0, perUnit, "urn:on:mrn"))
                .statusCode()).isEqualTo(200);
        assertThat(post("/$ingest", backend("ehr-off", SOURCE_SCOPE), FHIR_JSON, GeneratedUnits.unit("off-", 0, perUnit, "urn:off:mrn"))
                .statusCode()).isEqualTo(200);
        long on = 0;
        long off = 0;
        for (int n = 1; n <= units; n++) {
            long start = System.nanoTime();
            assertThat(post("/$ingest", backend("ehr-off", SOURCE_SCOPE), FHIR_JSON, GeneratedUnits.unit("off-", n, perUnit, "urn:off:mrn"))
                    .statusCode()).isEqualTo(200);
            off += System.nanoTime() - start;
            start = System.nanoTime();
            assertThat(post("/$ingest", backend("ehr-on", SOURCE_SCOPE), FHIR_JSON, GeneratedUnits.unit("on-", n, perUnit, "urn:on:mrn"))
                    .statusCode()).isEqualTo(200);
            on += System.nanoTime() - start;
        }
        double resources = units * (perUnit + 1);
        System.out.printf(java.util.Locale.ROOT, "ingest rate, %d units of %d resources each, alternating: validation off %.1f resources/s,"
                + " accept-with-warnings %.1f resources/s (ratio %.2f)%n", units, perUnit + 1, resources / (off / 1e9),
                resources / (on / 1e9), (double) off / on);
    }

    private void registerStrict() throws Exception {
        HttpResponse<String> r = post("/$register-source", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                registration("Strict", "http://strict.test/fhir", "ehr-strict", "urn:strict:record", "urn:strict:mrn", "reject"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"reject\"");
    }

    // --- the unified record and the source's own records ---

    @Test
    void whenAppsReadThenTheySeeTheUnifiedPatientNeverTheSourceRecord() throws Exception {
        String bundle = bundle("ehr-a", 5);
        HttpResponse<String> r = push(CLIENT_A, bundle);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String record = stored(json(r), first(JSON.readTree(bundle), "Patient").path("resource").path("id").asText());
        String recordId = record.substring("Patient/".length());
        String unified = unifiedOf(recordId);
        assertThat(unified).isNotEqualTo(recordId);

        String patient = patientToken(unified, "patient/*.rs");
        assertThat(get("/Patient/" + unified, patient).statusCode()).isEqualTo(200);
        assertThat(get("/" + record, patient).statusCode()).isEqualTo(403);
        JsonNode observations = json(get("/Observation?patient=" + unified + "&_count=200", patient));
        assertThat(observations.path("entry").size()).isGreaterThan(0);
        observations.path("entry").forEach(e ->
                assertThat(e.path("resource").path("subject").path("reference").asText()).isEqualTo("Patient/" + unified));
        JsonNode patients = json(get("/Patient?_count=200", patient));
        assertThat(patients.toString()).doesNotContain(recordId);
        JsonNode everything = json(get("/Patient/" + unified + "/$everything?_count=500", patient));
        assertThat(everything.toString()).doesNotContain("source-record");

        String user = userToken(unified, "user/*.rs");
        assertThat(get("/" + record, user).statusCode()).isEqualTo(403);
        assertThat(json(get("/Patient?_count=200", user)).toString()).doesNotContain(recordId);

        // the failsafe: even a token bound to the record's own id is never shown it
        assertThat(get("/" + record, patientToken(recordId, "patient/*.rs")).statusCode()).isEqualTo(403);
        assertThat(json(get("/Patient?_count=200", patientToken(recordId, "patient/*.rs"))).toString()).doesNotContain("source-record");
        // backend (operator) tokens read it
        assertThat(get("/" + record, backend("reader", "system/*.rs")).statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    private HttpResponse<String> push(String client, String bundle) throws Exception {
        return post("/$ingest", backend(client, SOURCE_SCOPE), FHIR_JSON, bundle);
    }

    private long links() {
        return jdbc().queryForObject("SELECT count(*) FROM portico_patient_link", Long.class);
    }

    /** The n-th bundle of a source's folder, by file name. */
    static String bundle(String source, int n) throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json"));
        List<String> files = new ArrayList<>();
        manifest.path("patients").forEach(p -> {
            if (p.path("records").has(source)) {
                files.add(p.path("records").path(source).path("file").asText());
            }
        });
        files.sort(null);
        return resource(DATA + files.get(n % files.size()));
    }

    static JsonNode first(JsonNode bundle, String type) {
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals(type)) {
                return entry;
            }
        }
        throw new AssertionError("no " + type);
    }

    /** The bundle's resources as ndjson, its urn:uuid references turned into {@code Type/id} references. */
    static String ndjson(String bundle) throws Exception {
        JsonNode input = JSON.readTree(bundle);
        Map<String, String> relative = new HashMap<>();
        input.path("entry").forEach(e -> relative.put(e.path("fullUrl").asText(),
                e.path("resource").path("resourceType").asText() + "/" + e.path("resource").path("id").asText()));
        StringBuilder out = new StringBuilder();
        for (JsonNode entry : input.path("entry")) {
            String line = entry.path("resource").toString();
            for (Map.Entry<String, String> r : relative.entrySet()) {
                line = line.replace("\"" + r.getKey() + "\"", "\"" + r.getValue() + "\"");
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }
}
