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
 * ground truth) ingested through the Bundle channel, and, for the sources {@link #pulled} names,
 * through the pull channel (ADR 0022): every person is one unified Patient, no two people share one,
 * every fact two sources sent is stored once with both sources' Provenance, and ingesting everything
 * again creates no version. Everything it knows about the data comes from the manifest, so it runs
 * unchanged on other data of the same shape.
 */
abstract class MultiEhrSupport extends IngestItSupport {

    /** The manifest's sources Portico pulls from instead of being pushed to. */
    abstract Set<String> pulled(JsonNode manifest);

    /** How many pushed units are in flight at once (each source's and all sources' units side by side). */
    int clients() {
        return 1;
    }

    /** Pushes every file of a pushing source, {@link #clients()} at a time; answers each file's report. */
    private Map<String, JsonNode> push(List<String[]> files, Set<String> pulled) throws Exception {
        Map<String, JsonNode> reports = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients());
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String[] file : files) {
                if (pulled.contains(file[0])) {
                    continue;
                }
                sent.add(pool.submit(() -> {
                    HttpResponse<String> r = post("/$ingest", backend(client(file[0]), SOURCE_SCOPE), FHIR_JSON, resource(DATA + file[1]));
                    assertThat(r.statusCode()).as(file[1] + ": " + r.body()).isEqualTo(200);
                    reports.put(file[1], json(r));
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return reports;
    }

    /** Each subclass calls this from its own {@code @DynamicPropertySource}, with a database of its own. */
    static void multiEhrProperties(DynamicPropertyRegistry registry, String database) {
        properties(registry, database);
        // matching and linking are what this test is about; US Core validation (slow) is IngestIT's
        registry.add("portico.fhir.ingest.validation", () -> "off");
    }

    @Test
    void whenEveryEhrIsIngestedThenEachPersonIsOneUnifiedPatientAndASecondIngestChangesNothing() throws Exception {
        JsonNode manifest = JSON.readTree(resource(DATA + "manifest.json"));
        Map<String, String> recordIdSystems = new HashMap<>();
        Map<String, String> organizations = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = manifest.path("sources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> source = it.next();
            JsonNode registered = register(source.getValue().path("name").asText(), source.getValue().path("meta_source").asText(),
                    client(source.getKey()), source.getValue().path("record_id_system").asText(),
                    source.getValue().path("mrn_system").asText());
            for (JsonNode p : registered.path("parameter")) {
                if (p.path("name").asText().equals("organization")) {
                    organizations.put(source.getKey(), p.path("valueReference").path("reference").asText());
                }
            }
            recordIdSystems.put(source.getKey(), source.getValue().path("record_id_system").asText());
        }
        Set<String> pulled = pulled(manifest);
        Map<String, BulkSourceServer> servers = new HashMap<>();
        try {
            for (String source : pulled) {
                servers.put(source, pullSource(source, manifest.path("sources").path(source).path("meta_source").asText(), manifest));
            }
            List<String[]> files = files(manifest);
            long patientsBefore = resources("Patient");

            push(files, servers.keySet()).forEach((file, report) -> assertThat(count(report, "created")).as(file).isGreaterThan(0));
            Set<String> done = new HashSet<>();
            for (String[] file : files) {
                if (servers.containsKey(file[0]) && done.add(file[0])) {
                    JsonNode report = pull(manifest.path("sources").path(file[0]).path("meta_source").asText());
                    assertThat(count(report, "created")).as(file[0]).isGreaterThan(0);
                }
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

            // a fact two sources sent is one resource, and the Provenance of each source's unit names it
            String reader = backend("reader", "system/*.rs");
            int duplicates = 0;
            for (JsonNode person : manifest.path("patients")) {
                for (JsonNode duplicate : person.path("duplicates")) {
                    String type = duplicate.path("resourceType").asText();
                    String original = storedId(type, recordIdSystems.get(duplicate.path("original").path("source").asText()),
                            duplicate.path("original").path("id").asText(), reader);
                    String copy = storedId(type, recordIdSystems.get(duplicate.path("copy").path("source").asText()),
                            duplicate.path("copy").path("id").asText(), reader);
                    assertThat(copy).as("%s stored once", duplicate).isEqualTo(original);
                    Set<String> authors = new HashSet<>();
                    for (JsonNode entry : json(get("/Provenance?target=" + original + "&_count=50", reader)).path("entry")) {
                        for (JsonNode agent : entry.path("resource").path("agent")) {
                            if (agent.path("type").toString().contains("\"author\"")) {
                                authors.add(agent.path("who").path("reference").asText());
                            }
                        }
                    }
                    // a fact all three sent is two pairs in the manifest
                    assertThat(authors).as("the sources of %s", original).contains(
                            organizations.get(duplicate.path("original").path("source").asText()),
                            organizations.get(duplicate.path("copy").path("source").asText()));
                    duplicates++;
                }
            }
            assertThat(duplicates).isPositive();

            long versions = versions();
            long provenances = resources("Provenance");
            for (Map.Entry<String, BulkSourceServer> server : servers.entrySet()) {
                // everything again, as a source that ignores _since would send it
                server.getValue().ignoreSince = true;
                JsonNode report = pull(manifest.path("sources").path(server.getKey()).path("meta_source").asText());
                assertThat(count(report, "created") + count(report, "updated")).as(server.getKey()).isZero();
                assertThat(count(report, "unchanged")).as(server.getKey()).isEqualTo(server.getValue().size());
            }
            push(files, servers.keySet()).forEach((file, report) ->
                    assertThat(count(report, "created") + count(report, "updated")).as(file).isZero());
            assertThat(versions()).as("no new version on a second ingest").isEqualTo(versions);
            assertThat(resources("Provenance")).isEqualTo(provenances);
        } finally {
            servers.values().forEach(BulkSourceServer::close);
        }
    }

    /** A Bulk Data server holding the source's records as ndjson, Portico registered at it and it at Portico. */
    private BulkSourceServer pullSource(String source, String uri, JsonNode manifest) throws Exception {
        BulkSourceServer server = new BulkSourceServer();
        for (JsonNode person : manifest.path("patients")) {
            if (person.path("records").has(source)) {
                server.put(IngestIT.ndjson(resource(DATA + person.path("records").path(source).path("file").asText())));
            }
        }
        HttpResponse<String> r = post("/$register-pull", backend("operator", OPERATOR_SCOPE), FHIR_JSON,
                PullIT.pullRegistration(uri, server.base() + "/$export", null, "file:" + source + ".jwk", null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        server.registerClient(PullIT.PORTICO_AT_SOURCE, com.nimbusds.jose.jwk.JWK.parse(PullIT.value(json(r), "public-jwk")));
        return server;
    }

    private JsonNode pull(String uri) throws Exception {
        HttpResponse<String> r = post("/$pull", backend("operator", OPERATOR_SCOPE), FHIR_JSON, PullIT.pullParameters(uri));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = json(r);
        assertThat(PullIT.value(report, "state")).as(r.body()).isEqualTo("completed");
        assertThat(count(report, "rejected")).as(r.body()).isZero();
        return report;
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

    /** The id of the one stored resource carrying {@code system|value}. */
    private String storedId(String type, String system, String value, String token) throws Exception {
        JsonNode found = json(get("/" + type + "?identifier=" + system + "%7C" + value, token));
        assertThat(found.path("entry").size()).as("%s %s|%s", type, system, value).isEqualTo(1);
        return type + "/" + found.path("entry").path(0).path("resource").path("id").asText();
    }

    private String unifiedOfSourceRecord(String recordIdSystem, String sourceId) throws Exception {
        JsonNode found = json(get("/Patient?identifier=" + recordIdSystem + "%7C" + sourceId, backend("reader", "system/Patient.rs")));
        assertThat(found.path("entry").size()).as("the record %s|%s", recordIdSystem, sourceId).isEqualTo(1);
        return unifiedOf(found.path("entry").path(0).path("resource").path("id").asText());
    }
}
