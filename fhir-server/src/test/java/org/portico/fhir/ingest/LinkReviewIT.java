package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.fhir.ingest.IngestIT.first;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The review queue and the operator's link decisions (ADR 0017): an ambiguous record is a person of
 * its own and queued; confirm moves it and its source's data to the queued person (duplicates folded,
 * Provenance kept), reject keeps it apart for good, undo moves a linked record's data back to a person
 * of its own with nothing lost; and who may do it. The ambiguous records are made from the sample's
 * people (their name, birth date and sex, nothing else), never from facts hard-coded here.
 */
class LinkReviewIT extends IngestItSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "ingest_link_review");
        // matching and linking are what this test is about; US Core validation (slow) is IngestIT's
        registry.add("portico.fhir.ingest.validation", () -> "off");
    }

    private static final String CLIENT_A = "ehr-a-client";
    private static final String CLIENT_B = "ehr-b-client";
    private static final String OPERATOR = "operator";
    private static final String READER = backend("reader", "system/*.rs");
    private JsonNode sourceA;
    private JsonNode sourceB;
    private String organizationB;

    @BeforeEach
    void sources() throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json")).path("sources");
        sourceA = manifest.path("ehr-a");
        sourceB = manifest.path("ehr-b");
        register(sourceA.path("name").asText(), sourceA.path("meta_source").asText(), CLIENT_A,
                sourceA.path("record_id_system").asText(), sourceA.path("mrn_system").asText());
        JsonNode b = register(sourceB.path("name").asText(), sourceB.path("meta_source").asText(), CLIENT_B,
                sourceB.path("record_id_system").asText(), sourceB.path("mrn_system").asText());
        for (JsonNode p : b.path("parameter")) {
            if (p.path("name").asText().equals("organization")) {
                organizationB = p.path("valueReference").path("reference").asText();
            }
        }
    }

    // --- who may decide ---

    @Test
    void whenNotAnOperatorThenEveryLinkOperationIsRefused() throws Exception {
        String confirm = reviewParameters("anything");
        String undo = undoParameters("Patient/x", "Patient/y");
        List<String> refused = List.of(patientToken("123", "patient/*.cruds"), userToken("123", "user/*.cruds"),
                backend("reader", "system/*.rs"), backend("writer", "system/Observation.cu system/Patient.cruds"),
                backend("narrow", "system/Organization.cu?identifier=urn:x|1"),
                // a source's own client is no operator, whatever its scopes
                backend(CLIENT_A, "system/*.cruds"));
        for (String token : refused) {
            assertThat(get("/$link-review", token).statusCode()).isEqualTo(403);
            for (String op : List.of("/$link-confirm", "/$link-reject")) {
                HttpResponse<String> r = post(op, token, FHIR_JSON, confirm);
                assertThat(r.statusCode()).as(op).isEqualTo(403);
                assertThat(r.body()).contains("OperationOutcome");
            }
            assertThat(post("/$link-undo", token, FHIR_JSON, undo).statusCode()).isEqualTo(403);
        }
        HttpResponse<String> none = get("/$link-review", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void whenTheReviewOrRecordIsUnknownThen404WithAnOperationOutcome() throws Exception {
        for (String op : List.of("/$link-confirm", "/$link-reject")) {
            HttpResponse<String> r = post(op, operator(), FHIR_JSON, reviewParameters(UUID.randomUUID().toString()));
            assertThat(r.statusCode()).as(op).isEqualTo(404);
            assertThat(json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
        }
        HttpResponse<String> undo = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Patient/no-such-record", "Patient/1"));
        assertThat(undo.statusCode()).isEqualTo(404);
        assertThat(json(undo).path("resourceType").asText()).isEqualTo("OperationOutcome");
        HttpResponse<String> malformed = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Observation/1", "Patient/1"));
        assertThat(malformed.statusCode()).isEqualTo(400);
    }

    // --- the queue, confirm and reject ---

    @Test
    void whenARecordIsAmbiguousThenItIsQueuedAndConfirmingMovesItsDataToThePerson() throws Exception {
        Person person = ingestA(0);
        Ambiguous b = ambiguousFromB(person);
        HttpResponse<String> pushed = post("/$ingest", backend(CLIENT_B, SOURCE_SCOPE), FHIR_JSON, b.bundle());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        JsonNode report = json(pushed);
        String record = stored(report, b.patientId()).substring("Patient/".length());
        String own = unifiedOf(record);
        assertThat(own).as("not merged on weak evidence").isNotEqualTo(person.unified());

        JsonNode review = reviewOf(record);
        assertThat(review).as("queued for review").isNotNull();
        assertThat(part(review, "candidate").path("valueReference").path("reference").asText()).isEqualTo("Patient/" + person.unified());
        assertThat(part(review, "evidence").path("valueString").asText()).contains("review").contains("birthDate");
        String uniqueObservation = stored(report, b.uniqueObservationId());
        String ownCopy = stored(report, b.duplicateObservationId());

        HttpResponse<String> confirmed = post("/$link-confirm", operator(), FHIR_JSON, reviewParameters(id(review)));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(unifiedOf(record)).isEqualTo(person.unified());
        assertThat(reviewOf(record)).as("off the queue").isNull();

        // the record's data refers to the person now
        assertThat(json(get("/" + uniqueObservation, READER)).path("subject").path("reference").asText())
                .isEqualTo("Patient/" + person.unified());
        // the fact both sources sent is one resource (A's), carrying B's id, with both sources' Provenance
        String original = storedByIdentifier("Observation", sourceA.path("record_id_system").asText(), b.duplicateOf());
        assertThat(storedByIdentifier("Observation", sourceB.path("record_id_system").asText(), b.duplicateObservationId()))
                .isEqualTo(original);
        assertThat(get("/" + ownCopy, READER).statusCode()).as("B's copy folded").isEqualTo(410);
        assertThat(authors(original)).contains(organizationB);
        // every Provenance of B's unit now names only the person's data (a patient token can read it)
        for (String provenance : provenances(report)) {
            JsonNode p = json(get("/" + provenance, READER));
            assertThat(p.path("target").toString()).doesNotContain("Patient/" + own + "\"").doesNotContain(ownCopy + "\"");
        }
        // the person's app sees it all under one id; the record's own person is left inactive
        String patient = patientToken(person.unified(), "patient/*.rs");
        JsonNode observations = json(get("/Observation?patient=" + person.unified() + "&_count=500", patient));
        assertThat(observations.toString()).contains(uniqueObservation.substring("Observation/".length()));
        assertThat(json(get("/Patient/" + own, READER)).path("active").asBoolean()).isFalse();
        assertThat(json(get("/Patient/" + person.unified(), READER)).path("identifier").toString())
                .contains(sourceB.path("mrn_system").asText());

        // decided once: a second decision on it is refused, clearly
        HttpResponse<String> again = post("/$link-confirm", operator(), FHIR_JSON, reviewParameters(id(review)));
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(json(again).path("issue").toString()).contains("confirmed");
        assertThat(audited("$link-confirm")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void whenAQueuedMatchIsRejectedThenItStaysApartAndIsNeverProposedAgain() throws Exception {
        Person person = ingestA(2);
        Ambiguous b = ambiguousFromB(person);
        HttpResponse<String> pushed = post("/$ingest", backend(CLIENT_B, SOURCE_SCOPE), FHIR_JSON, b.bundle());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        String record = stored(json(pushed), b.patientId()).substring("Patient/".length());
        String own = unifiedOf(record);
        JsonNode review = reviewOf(record);
        assertThat(review).isNotNull();
        long versions = versions();

        HttpResponse<String> rejected = post("/$link-reject", operator(), FHIR_JSON, reviewParameters(id(review)));
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        assertThat(unifiedOf(record)).isEqualTo(own);
        assertThat(reviewOf(record)).isNull();
        assertThat(versions()).as("nothing moved").isEqualTo(versions);
        assertThat(post("/$link-confirm", operator(), FHIR_JSON, reviewParameters(id(review))).statusCode()).isEqualTo(422);

        // the source sends the record again, changed: still apart, and not queued again
        ObjectNode changed = (ObjectNode) JSON.readTree(b.bundle());
        ((ObjectNode) first(changed, "Patient").path("resource")).putArray("telecom").addObject()
                .put("system", "phone").put("value", "555-0100");
        assertThat(post("/$ingest", backend(CLIENT_B, SOURCE_SCOPE), FHIR_JSON, changed.toString()).statusCode()).isEqualTo(200);
        assertThat(unifiedOf(record)).isEqualTo(own);
        assertThat(reviewOf(record)).isNull();
        assertThat(jdbc().queryForObject("SELECT count(*) FROM portico_match_review WHERE source_record_id = ?", Long.class, record))
                .isEqualTo(1);
        assertThat(audited("$link-reject")).isGreaterThanOrEqualTo(1);
    }

    // --- undo ---

    @Test
    void whenAnAutomaticLinkIsUndoneThenTheRecordsDataMovesToAPersonOfItsOwnWithNothingLost() throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json"));
        JsonNode person = null;
        for (JsonNode p : manifest.path("patients")) {
            if (person == null && p.path("records").has("ehr-a") && p.path("records").has("ehr-b") && sharedAB(p) > 0) {
                person = p;
            }
        }
        assertThat(person).as("a person both A and B sent, with a fact both sent").isNotNull();
        String bundleA = resource(DATA + person.path("records").path("ehr-a").path("file").asText());
        String bundleB = resource(DATA + person.path("records").path("ehr-b").path("file").asText());
        assertThat(post("/$ingest", backend(CLIENT_A, SOURCE_SCOPE), FHIR_JSON, bundleA).statusCode()).isEqualTo(200);
        HttpResponse<String> pushedB = post("/$ingest", backend(CLIENT_B, SOURCE_SCOPE), FHIR_JSON, bundleB);
        assertThat(pushedB.statusCode()).as(pushedB.body()).isEqualTo(200);
        String recordB = stored(json(pushedB), person.path("records").path("ehr-b").path("patient_id").asText()).substring("Patient/".length());
        String unified = unifiedOf(recordB);
        String systemA = sourceA.path("record_id_system").asText();
        String systemB = sourceB.path("record_id_system").asText();

        HttpResponse<String> undone = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Patient/" + recordB, "Patient/" + unified));
        assertThat(undone.statusCode()).as(undone.body()).isEqualTo(200);
        String own = unifiedOf(recordB);
        assertThat(own).isNotEqualTo(unified);

        // nothing lost: every resource B sent is found by B's id, about B's person now
        for (JsonNode entry : JSON.readTree(bundleB).path("entry")) {
            JsonNode r = entry.path("resource");
            String type = r.path("resourceType").asText();
            if (type.equals("Patient")) {
                continue;
            }
            JsonNode found = json(get("/" + type + "?identifier=" + systemB + "%7C" + r.path("id").asText(), READER));
            assertThat(found.path("entry").size()).as("%s/%s", type, r.path("id").asText()).isEqualTo(1);
            JsonNode subject = found.path("entry").path(0).path("resource").path(r.has("patient") ? "patient" : "subject");
            if (!subject.isMissingNode()) {
                assertThat(subject.path("reference").asText()).as("%s/%s", type, r.path("id").asText()).isEqualTo("Patient/" + own);
            }
        }
        // each shared fact is split back: A keeps its resource, B has its own, each with its source's Provenance
        for (JsonNode duplicate : person.path("duplicates")) {
            if (!isAB(duplicate)) {
                continue;
            }
            String type = duplicate.path("resourceType").asText();
            String a = storedByIdentifier(type, systemA, duplicate.path("original").path("id").asText());
            String b = storedByIdentifier(type, systemB, duplicate.path("copy").path("id").asText());
            assertThat(b).isNotEqualTo(a);
            assertThat(json(get("/" + a, READER)).path("identifier").toString()).doesNotContain(systemB);
            assertThat(authors(b)).contains(organizationB);
        }
        // A's data stays with A's person
        JsonNode aObservation = first(JSON.readTree(bundleA), "Observation").path("resource");
        JsonNode storedA = json(get("/" + storedByIdentifier("Observation", systemA, aObservation.path("id").asText()), READER));
        assertThat(storedA.path("subject").path("reference").asText()).isEqualTo("Patient/" + unified);
        assertThat(json(get("/Patient/" + unified, READER)).path("identifier").toString())
                .doesNotContain(sourceB.path("mrn_system").asText());

        // undoing it again: no such link any more
        HttpResponse<String> again = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Patient/" + recordB, "Patient/" + unified));
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(json(again).path("issue").toString()).contains("not linked");
        // a record alone in its person has no link to undo
        HttpResponse<String> alone = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Patient/" + recordB, "Patient/" + own));
        assertThat(alone.statusCode()).isEqualTo(422);
        assertThat(json(alone).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(jdbc().queryForObject("SELECT state FROM portico_match_review WHERE source_record_id = ? AND candidate_patient_id = ?",
                String.class, recordB, unified)).isEqualTo("rejected");
        assertThat(audited("$link-undo")).isGreaterThanOrEqualTo(1);
    }

    // --- a merge from the source ---

    @Test
    void whenASourceSaysARecordIsReplacedByAnotherThenItsDataJoinsThatPersonAndTheRecordIsInactive() throws Exception {
        Person person = ingestA(4);
        // A registered the same person twice: a second record with an MRN of its own, and a fact under it
        Ambiguous duplicateRecord = ambiguousFrom(person, sourceA);
        HttpResponse<String> pushed = post("/$ingest", backend(CLIENT_A, SOURCE_SCOPE), FHIR_JSON, duplicateRecord.bundle());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        String record = stored(json(pushed), duplicateRecord.patientId()).substring("Patient/".length());
        String own = unifiedOf(record);
        assertThat(own).isNotEqualTo(person.unified());
        String observation = stored(json(pushed), duplicateRecord.uniqueObservationId());

        // then A merges it: Patient.link replaced-by the first record (A's own reference to it)
        ObjectNode merged = (ObjectNode) first(JSON.readTree(duplicateRecord.bundle()), "Patient").path("resource").deepCopy();
        merged.putArray("link").addObject().put("type", "replaced-by").putObject("other").put("reference", "Patient/" + person.sourceId());
        HttpResponse<String> merge = post("/$ingest-ndjson", backend(CLIENT_A, SOURCE_SCOPE), NDJSON, merged.toString());
        assertThat(merge.statusCode()).as(merge.body()).isEqualTo(200);

        assertThat(unifiedOf(record)).isEqualTo(person.unified());
        JsonNode storedRecord = json(get("/Patient/" + record, READER));
        assertThat(storedRecord.path("active").asBoolean()).isFalse();
        assertThat(storedRecord.has("link")).as("a source record never carries Patient.link").isFalse();
        assertThat(json(get("/" + observation, READER)).path("subject").path("reference").asText()).isEqualTo("Patient/" + person.unified());
        assertThat(json(get("/Patient/" + own, READER)).path("active").asBoolean()).isFalse();
        assertThat(reviewOf(record)).as("the source's merge settles the queued question").isNull();
        // data sent later under the merged record joins the person too
        ObjectNode later = (ObjectNode) JSON.readTree(first(JSON.readTree(duplicateRecord.bundle()), "Observation").path("resource").toString());
        later.put("id", "later-" + UUID.randomUUID());
        ((ObjectNode) later.path("valueQuantity")).put("value", new BigDecimal("4242.5"));
        later.putObject("subject").put("reference", "Patient/" + duplicateRecord.patientId());
        HttpResponse<String> next = post("/$ingest-ndjson", backend(CLIENT_A, SOURCE_SCOPE), NDJSON, later.toString());
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(json(get("/" + stored(json(next), later.path("id").asText()), READER)).path("subject").path("reference").asText())
                .isEqualTo("Patient/" + person.unified());
        // the two records of one source now share the person: their data cannot be told apart, so no undo moves it
        HttpResponse<String> undo = post("/$link-undo", operator(), FHIR_JSON, undoParameters("Patient/" + record, "Patient/" + person.unified()));
        assertThat(undo.statusCode()).isEqualTo(422);
        assertThat(json(undo).path("issue").toString()).contains("same source");
    }

    // --- helpers ---

    /** A person as source A sent them: the record's id at A and the unified Patient. */
    private record Person(String sourceId, String unified, JsonNode patient, JsonNode bundle) {}

    /** A made-up record of a known person with only name, birth date and sex in common, and two facts. */
    private record Ambiguous(String bundle, String patientId, String duplicateObservationId, String duplicateOf,
            String uniqueObservationId) {}

    private Person ingestA(int n) throws Exception {
        String bundle = IngestIT.bundle("ehr-a", n);
        HttpResponse<String> r = post("/$ingest", backend(CLIENT_A, SOURCE_SCOPE), FHIR_JSON, bundle);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode input = JSON.readTree(bundle);
        JsonNode patient = first(input, "Patient").path("resource");
        String record = stored(json(r), patient.path("id").asText()).substring("Patient/".length());
        return new Person(patient.path("id").asText(), unifiedOf(record), patient, input);
    }

    private Ambiguous ambiguousFromB(Person person) {
        return ambiguousFrom(person, sourceB);
    }

    private Ambiguous ambiguousFrom(Person person, JsonNode source) {
        String patientId = "rv-" + UUID.randomUUID();
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", patientId);
        patient.set("name", person.patient().path("name").deepCopy());
        patient.put("birthDate", person.patient().path("birthDate").asText());
        patient.put("gender", person.patient().path("gender").asText());
        patient.putArray("identifier").addObject().put("system", source.path("mrn_system").asText())
                .put("value", String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L)));
        List<JsonNode> quantities = new ArrayList<>();
        for (JsonNode entry : person.bundle().path("entry")) {
            JsonNode r = entry.path("resource");
            if (r.path("resourceType").asText().equals("Observation") && r.path("valueQuantity").has("value")
                    && r.has("effectiveDateTime")) {
                quantities.add(r);
            }
        }
        assertThat(quantities).as("the person has two measured observations").hasSizeGreaterThanOrEqualTo(2);
        ObjectNode duplicate = observationCopy(quantities.get(0), patientUrl);
        ObjectNode unique = observationCopy(quantities.get(1), patientUrl);
        ((ObjectNode) unique.path("valueQuantity")).put("value", quantities.get(1).path("valueQuantity").path("value").decimalValue()
                .add(new BigDecimal("1000.3")));
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "collection");
        ArrayNode entries = bundle.putArray("entry");
        entries.addObject().put("fullUrl", patientUrl).set("resource", patient);
        entries.addObject().put("fullUrl", "urn:uuid:" + UUID.randomUUID()).set("resource", duplicate);
        entries.addObject().put("fullUrl", "urn:uuid:" + UUID.randomUUID()).set("resource", unique);
        return new Ambiguous(bundle.toString(), patientId, duplicate.path("id").asText(), quantities.get(0).path("id").asText(),
                unique.path("id").asText());
    }

    private static ObjectNode observationCopy(JsonNode observation, String patientUrl) {
        ObjectNode copy = JSON.createObjectNode().put("resourceType", "Observation").put("id", "ob-" + UUID.randomUUID());
        for (String field : List.of("status", "category", "code", "effectiveDateTime", "valueQuantity")) {
            if (observation.has(field)) {
                copy.set(field, observation.path(field).deepCopy());
            }
        }
        copy.putObject("subject").put("reference", patientUrl);
        return copy;
    }

    private static int sharedAB(JsonNode person) {
        int n = 0;
        for (JsonNode duplicate : person.path("duplicates")) {
            n += isAB(duplicate) ? 1 : 0;
        }
        return n;
    }

    private static boolean isAB(JsonNode duplicate) {
        Set<String> sources = new HashSet<>(List.of(duplicate.path("original").path("source").asText(),
                duplicate.path("copy").path("source").asText()));
        return sources.equals(Set.of("ehr-a", "ehr-b")) && duplicate.path("original").path("source").asText().equals("ehr-a");
    }

    private static String operator() {
        return backend(OPERATOR, OPERATOR_SCOPE);
    }

    /** The open review of the record, or null. */
    private JsonNode reviewOf(String recordId) throws Exception {
        HttpResponse<String> r = get("/$link-review", operator());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode p : json(r).path("parameter")) {
            if (part(p, "record").path("valueReference").path("reference").asText().equals("Patient/" + recordId)) {
                return p;
            }
        }
        return null;
    }

    private static JsonNode part(JsonNode parameter, String name) {
        for (JsonNode part : parameter.path("part")) {
            if (part.path("name").asText().equals(name)) {
                return part;
            }
        }
        return JSON.missingNode();
    }

    private static String id(JsonNode review) {
        return part(review, "id").path("valueString").asText();
    }

    private static String reviewParameters(String id) {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        p.putArray("parameter").addObject().put("name", "review").put("valueString", id);
        return p.toString();
    }

    private static String undoParameters(String record, String patient) {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode parameters = p.putArray("parameter");
        parameters.addObject().put("name", "record").putObject("valueReference").put("reference", record);
        parameters.addObject().put("name", "patient").putObject("valueReference").put("reference", patient);
        return p.toString();
    }

    private String storedByIdentifier(String type, String system, String value) throws Exception {
        JsonNode found = json(get("/" + type + "?identifier=" + system + "%7C" + value, READER));
        assertThat(found.path("entry").size()).as("%s %s|%s", type, system, value).isEqualTo(1);
        return type + "/" + found.path("entry").path(0).path("resource").path("id").asText();
    }

    private Set<String> authors(String target) throws Exception {
        Set<String> authors = new HashSet<>();
        for (JsonNode entry : json(get("/Provenance?target=" + target + "&_count=50", READER)).path("entry")) {
            for (JsonNode agent : entry.path("resource").path("agent")) {
                if (agent.path("type").toString().contains("\"author\"")) {
                    authors.add(agent.path("who").path("reference").asText());
                }
            }
        }
        return authors;
    }

    private long audited(String operation) {
        return jdbc().queryForObject("SELECT count(*) FROM portico_audit_log WHERE client_id = ? AND request_url LIKE ?", Long.class,
                OPERATOR, "%" + operation + "%");
    }
}
