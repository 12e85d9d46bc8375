package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The acceptance data (the same people as two or three EHRs see them, {@code manifest.json} the
 * ground truth) ingested through the Bundle channel: every person is one unified Patient, no two
 * people share one, and ingesting everything again creates no version. Everything it knows about the
 * data comes from the manifest, so it runs unchanged on other data of the same shape.
 */
class MultiEhrIngestIT extends IngestItSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "ingest_multi_ehr");
    }

    @Test
    void whenEveryEhrIsIngestedThenEachPersonIsOneUnifiedPatientAndASecondIngestChangesNothing() throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json"));
        Map<String, String> recordIdSystems = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = manifest.path("sources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> source = it.next();
            register(source.getValue().path("name").asText(), source.getValue().path("meta_source").asText(),
                    client(source.getKey()), source.getValue().path("record_id_system").asText(),
                    source.getValue().path("mrn_system").asText());
            recordIdSystems.put(source.getKey(), source.getValue().path("record_id_system").asText());
        }
        List<String[]> files = files(manifest);
        long patientsBefore = resources("Patient");

        for (String[] file : files) {
            HttpResponse<String> r = post("/$ingest", backend(client(file[0]), SOURCE_SCOPE), FHIR_JSON, resource(DATA + file[1]));
            assertThat(r.statusCode()).as(file[1] + ": " + r.body()).isEqualTo(200);
            assertThat(count(json(r), "created")).as(file[1]).isGreaterThan(0);
        }

        Set<String> seen = new HashSet<>();
        for (JsonNode person : manifest.path("patients")) {
            Set<String> unified = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = person.path("records").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> record = it.next();
                unified.add(unifiedOfSourceRecord(recordIdSystems.get(record.getKey()), record.getValue().path("patient_id").asText()));
            }
            assertThat(unified).as("one unified Patient for %s", person.path("synthea_id").asText()).hasSize(1);
            String id = unified.iterator().next();
            assertThat(seen.add(id)).as("%s shares a unified Patient with another person", person.path("synthea_id").asText()).isTrue();
        }
        assertThat(resources("Patient") - patientsBefore).as("a source record per record, a unified Patient per person")
                .isEqualTo(countRecords(manifest) + manifest.path("patients").size());

        long versions = versions();
        long provenances = resources("Provenance");
        for (String[] file : files) {
            HttpResponse<String> r = post("/$ingest", backend(client(file[0]), SOURCE_SCOPE), FHIR_JSON, resource(DATA + file[1]));
            assertThat(r.statusCode()).as(file[1]).isEqualTo(200);
            JsonNode report = json(r);
            assertThat(count(report, "created") + count(report, "updated")).as(file[1]).isZero();
        }
        assertThat(versions()).as("no new version on a second ingest").isEqualTo(versions);
        assertThat(resources("Provenance")).isEqualTo(provenances);
    }

    private static String client(String source) {
        return source + "-client";
    }

    /** (source, file) of every record, the sources in manifest order. */
    private static List<String[]> files(JsonNode manifest) {
        List<String[]> files = new ArrayList<>();
        for (Iterator<String> sources = manifest.path("sources").fieldNames(); sources.hasNext(); ) {
            String source = sources.next();
            for (JsonNode person : manifest.path("patients")) {
                if (person.path("records").has(source)) {
                    files.add(new String[] {source, person.path("records").path(source).path("file").asText()});
                }
            }
        }
        return files;
    }

    private static int countRecords(JsonNode manifest) {
        int n = 0;
        for (JsonNode person : manifest.path("patients")) {
            n += person.path("records").size();
        }
        return n;
    }

    private String unifiedOfSourceRecord(String recordIdSystem, String sourceId) throws Exception {
        JsonNode found = json(get("/Patient?identifier=" + recordIdSystem + "%7C" + sourceId, backend("reader", "system/Patient.rs")));
        assertThat(found.path("entry").size()).as("the record %s|%s", recordIdSystem, sourceId).isEqualTo(1);
        return unifiedOf(found.path("entry").path(0).path("resource").path("id").asText());
    }
}
