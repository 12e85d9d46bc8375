package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Channel (c), ADR 0022: Portico pulls from a Bulk Data source ({@link BulkSourceServer}, real HTTP)
 * as a backend-services client, through the same ingest pipeline as a push. The first pull takes
 * everything, a second sends {@code _since} and creates no version, a change at the source updates
 * exactly that resource; a bad key, a failing source and an error file fail the run without moving
 * {@code _since}; only the operator may configure and trigger pulls.
 */
class PullIT extends IngestItSupport {

    private static final Path KEYS = BulkSourceServer.keyFolder("ehr-a.jwk", "ehr-b.jwk", "ehr-c.jwk", "stranger.jwk");
    static final String PORTICO_AT_SOURCE = "portico";
    private static BulkSourceServer ehrB;
    private static BulkSourceServer ehrC;
    private static BulkSourceServer ehrA;
    private static JsonNode sources;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "ingest_pull");
        registry.add("portico.fhir.ingest.validation", () -> "off");
        registry.add("portico.fhir.ingest.pull.key-dir", KEYS::toString);
        registry.add("portico.fhir.ingest.pull.check-interval", () -> "PT1S");
        // small units: a pull of a few files is several units, and references across units resolve
        registry.add("portico.fhir.ingest.pull.unit-lines", () -> "40");
    }

    @BeforeAll
    static void sourcesUp() throws Exception {
        sources = JSON.readTree(resource(DATA + "manifest.json")).path("sources");
        ehrB = new BulkSourceServer();
        ehrB.put(IngestIT.ndjson(resource(DATA + "ehr-b/B214714.json")));
        ehrB.put(IngestIT.ndjson(resource(DATA + "ehr-b/B062274.json")));
        ehrC = new BulkSourceServer();
        for (String file : List.of("1663768392", "1899222011", "6210427013")) {
            ehrC.put(IngestIT.ndjson(resource(DATA + "ehr-c/" + file + ".json")));
        }
        ehrA = new BulkSourceServer();
        ehrA.put(IngestIT.ndjson(resource(DATA + "ehr-a/181330368.json")));
    }

    @AfterAll
    static void sourcesDown() {
        for (BulkSourceServer s : new BulkSourceServer[] {ehrA, ehrB, ehrC}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void whenASourceIsPulledThenEverythingIsIngestedOnceAndOnlyChangesComeAfter() throws Exception {
        JsonNode b = sources.path("ehr-b");
        register(b.path("name").asText(), b.path("meta_source").asText(), "ehr-b-pusher", b.path("record_id_system").asText(),
                b.path("mrn_system").asText());
        // a Group export, the token endpoint discovered from the source's smart-configuration
        HttpResponse<String> configured = post("/$register-pull", operator(), FHIR_JSON,
                pullRegistration(b.path("meta_source").asText(), ehrB.base() + "/Group/everyone/$export", null, "file:ehr-b.jwk", null));
        assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
        JWK publicJwk = JWK.parse(value(json(configured), "public-jwk"));
        assertThat(publicJwk.isPrivate()).isFalse();
        assertThat(configured.body()).doesNotContain(privateD("ehr-b.jwk"));
        ehrB.registerClient(PORTICO_AT_SOURCE, publicJwk);
        // the same public key, served without a token for sources that register a jwks_url
        String sourceId = value(json(configured), "source");
        assertThat(value(json(configured), "jwks-url")).endsWith("/.well-known/pull-jwks/" + sourceId);
        HttpResponse<String> jwks = get("/.well-known/pull-jwks/" + sourceId, null);
        assertThat(jwks.statusCode()).as(jwks.body()).isEqualTo(200);
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()).getKeys()).containsExactly(publicJwk);
        assertThat(jwks.body()).doesNotContain(privateD("ehr-b.jwk"));
        assertThat(get("/.well-known/pull-jwks/no-such-source", null).statusCode()).isEqualTo(404);

        long versionsBefore = versions();
        JsonNode first = pull(b.path("meta_source").asText());
        assertThat(value(first, "state")).as(first.toString()).isEqualTo("completed");
        assertThat(ehrB.kickOffs.get(0)).doesNotContainKey("_since");
        assertThat(count(first, "rejected")).isZero();
        assertThat(count(first, "unchanged")).isZero();
        assertThat(entries(first)).as("every resource of the source in a unit").isEqualTo(ehrB.size());
        assertThat(count(first, "created") + count(first, "updated")).isGreaterThanOrEqualTo(ehrB.size());
        assertThat(parts(first, "unit")).as("units of at most 40 lines").hasSizeGreaterThan(1);
        assertThat(versions()).isGreaterThan(versionsBefore);
        assertThat(ehrB.deleted).as("the export is released at the source").hasSize(1);
        String observation = firstUnique("ehr-b/B214714.json", "Observation");
        String stored = storedBySourceId("Observation", b.path("record_id_system").asText(), observation);

        long versions = versions();
        JsonNode second = pull(b.path("meta_source").asText());
        assertThat(value(second, "state")).isEqualTo("completed");
        assertThat(ehrB.kickOffs.get(1).get("_since")).as("the first pull's transactionTime")
                .isEqualTo(Instant.parse(value(first, "transaction-time")).toString());
        assertThat(count(second, "created") + count(second, "updated")).isZero();
        assertThat(versions()).as("no new version").isEqualTo(versions);

        // the source changes one Observation: the next pull updates exactly that one
        ObjectNode changed = (ObjectNode) JSON.readTree(ehrB.get("Observation", observation));
        changed.put("status", "amended");
        ehrB.put(changed.toString());
        JsonNode third = pull(b.path("meta_source").asText());
        assertThat(value(third, "state")).isEqualTo("completed");
        assertThat(ehrB.kickOffs.get(2).get("_since")).isEqualTo(Instant.parse(value(second, "transaction-time")).toString());
        assertThat(count(third, "updated")).isEqualTo(1);
        assertThat(count(third, "created")).isZero();
        JsonNode now = json(get("/" + stored, backend("reader", "system/*.rs")));
        assertThat(now.path("status").asText()).isEqualTo("amended");

        // a source that sends everything again (ignoring _since): nothing changes
        ehrB.ignoreSince = true;
        JsonNode all;
        try {
            versions = versions();
            all = pull(b.path("meta_source").asText());
            assertThat(value(all, "state")).isEqualTo("completed");
            assertThat(count(all, "created") + count(all, "updated")).isZero();
            assertThat(count(all, "unchanged")).isEqualTo(ehrB.size());
            assertThat(versions()).isEqualTo(versions);
        } finally {
            ehrB.ignoreSince = false;
        }

        // the runs are kept, and the operator reads them, newest first
        HttpResponse<String> runs = get("/$pull-runs?source=" + java.net.URLEncoder.encode(b.path("meta_source").asText(),
                java.nio.charset.StandardCharsets.UTF_8) + "&count=3", operator());
        assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
        List<JsonNode> listed = parts(json(runs), "run");
        assertThat(listed).hasSize(3);
        JsonNode newest = JSON.createObjectNode().set("parameter", listed.get(0).path("part"));
        assertThat(value(newest, "run")).isEqualTo(value(all, "run"));
        assertThat(value(newest, "state")).isEqualTo("completed");
        assertThat(count(newest, "unchanged")).isEqualTo(ehrB.size());
        assertThat(parts(newest, "unit")).isNotEmpty();
    }

    @Test
    void whenTheKeyIsWrongOrTheSourceFailsThenTheRunFailsAndSinceStaysWhereItWas() throws Exception {
        JsonNode c = sources.path("ehr-c");
        String uri = c.path("meta_source").asText();
        register(c.path("name").asText(), uri, "ehr-c-pusher", c.path("record_id_system").asText(), c.path("mrn_system").asText());
        ehrC.registerClient(PORTICO_AT_SOURCE, publicOf("ehr-c.jwk"));
        // a key the source does not know: its token endpoint refuses the assertion
        configure(uri, ehrC, "file:stranger.jwk");
        long versions = versions();
        JsonNode badKey = pull(uri);
        assertThat(value(badKey, "state")).isEqualTo("failed");
        assertThat(value(badKey, "error")).contains("token endpoint answered 401").contains("invalid_client");
        assertThat(ehrC.refusedAssertions).isPositive();
        assertThat(versions()).isEqualTo(versions);

        configure(uri, ehrC, "file:ehr-c.jwk");
        ehrC.statusFailure = 500;
        try {
            JsonNode failing = pull(uri);
            assertThat(value(failing, "state")).isEqualTo("failed");
            assertThat(value(failing, "error")).contains("500").contains("the export failed on the source");
        } finally {
            ehrC.statusFailure = null;
        }
        assertThat(versions()).isEqualTo(versions);

        ehrC.errorFile = true;
        JsonNode partial;
        try {
            partial = pull(uri);
        } finally {
            ehrC.errorFile = false;
        }
        assertThat(value(partial, "state")).isEqualTo("failed");
        assertThat(values(partial, "source-error")).anyMatch(e -> e.contains("could not be exported"));
        // what came is stored (a unit is atomic and idempotent), but the run does not count as done
        assertThat(count(partial, "created") + count(partial, "updated")).isPositive();

        int kickOffs = ehrC.kickOffs.size();
        JsonNode recovered = pull(uri);
        assertThat(value(recovered, "state")).isEqualTo("completed");
        assertThat(ehrC.kickOffs.get(kickOffs)).as("no failed run moved _since").doesNotContainKey("_since");
        assertThat(count(recovered, "created") + count(recovered, "updated")).isZero();
        assertThat(count(recovered, "unchanged")).isEqualTo(ehrC.size());
        pull(uri);
        assertThat(ehrC.kickOffs.get(kickOffs + 1).get("_since")).isEqualTo(Instant.parse(value(recovered, "transaction-time")).toString());
    }

    @Test
    void whenAPullRunsOrCrashedThenAnotherWaitsForItsLeaseAndTheCrashedRunNeverMovesSince() throws Exception {
        String uri = "http://crash.example.org/fhir";
        register("Crash test source", uri, "crash-pusher", "urn:oid:2.16.840.1.113883.19.5.9999.9", "urn:oid:2.16.840.1.113883.19.5.9999");
        ehrA.registerClient(PORTICO_AT_SOURCE, publicOf("ehr-a.jwk"));
        HttpResponse<String> r = post("/$register-pull", operator(), FHIR_JSON,
                pullRegistration(uri, ehrA.base() + "/$export", ehrA.tokenUrl(), "file:ehr-a.jwk", null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sourceId = value(json(r), "source");
        // an instance took the source and crashed after the source's manifest came: its run says running
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        jdbc().update("INSERT INTO portico_pull_run (id, source_id, state, trigger_kind, started, transaction_time)"
                + " VALUES ('crashed-run', ?, 'running', 'scheduled', ?, ?)", sourceId, now, now);
        jdbc().update("UPDATE portico_pull_source SET lease_until = ? WHERE source_id = ?",
                java.sql.Timestamp.from(Instant.now().plusSeconds(3600)), sourceId);

        HttpResponse<String> busy = post("/$pull", operator(), FHIR_JSON, pullParameters(uri));
        assertThat(busy.statusCode()).as("one pull per source at a time").isEqualTo(409);
        assertThat(busy.body()).contains("OperationOutcome");

        // the crashed instance's lease runs out: the next pull takes over from the last completed run
        jdbc().update("UPDATE portico_pull_source SET lease_until = ? WHERE source_id = ?",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)), sourceId);
        int kickOffs = ehrA.kickOffs.size();
        JsonNode report = pull(uri);
        assertThat(value(report, "state")).isEqualTo("completed");
        assertThat(ehrA.kickOffs.get(kickOffs)).as("the crashed run did not move _since").doesNotContainKey("_since");
        assertThat(jdbc().queryForObject("SELECT state FROM portico_pull_run WHERE id = 'crashed-run'", String.class)).isEqualTo("abandoned");
        assertThat(jdbc().queryForObject("SELECT lease_until FROM portico_pull_source WHERE source_id = ?", java.sql.Timestamp.class,
                sourceId)).as("released").isNull();
    }

    @Test
    void whenAPullIsScheduledThenItRunsOnItsOwn() throws Exception {
        JsonNode a = sources.path("ehr-a");
        String uri = a.path("meta_source").asText();
        register(a.path("name").asText(), uri, "ehr-a-pusher", a.path("record_id_system").asText(), a.path("mrn_system").asText());
        ehrA.registerClient(PORTICO_AT_SOURCE, publicOf("ehr-a.jwk"));
        HttpResponse<String> r = post("/$register-pull", operator(), FHIR_JSON,
                pullRegistration(uri, ehrA.base() + "/$export", ehrA.tokenUrl(), "file:ehr-a.jwk", "PT1H"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sourceId = value(json(r), "source");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        String state = null;
        while (Instant.now().isBefore(deadline)) {
            List<String> states = jdbc().queryForList("SELECT state FROM portico_pull_run WHERE source_id = ? AND trigger_kind = 'scheduled'",
                    String.class, sourceId);
            if (!states.isEmpty() && !states.get(0).equals("running")) {
                state = states.get(0);
                break;
            }
            Thread.sleep(500);
        }
        assertThat(state).as("a scheduled run finished").isEqualTo("completed");
        assertThat(ehrA.kickOffs).isNotEmpty();
    }

    @Test
    void whenTheCallerIsNotTheOperatorThenPullsAreRefused() throws Exception {
        String body = pullRegistration("http://ehr-b.example.org/fhir/R4", ehrB.base() + "/$export", null, "file:ehr-b.jwk", null);
        String pull = pullParameters("http://ehr-b.example.org/fhir/R4");
        for (String operation : List.of("/$register-pull", "/$pull")) {
            String payload = operation.equals("/$pull") ? pull : body;
            assertThat(post(operation, null, FHIR_JSON, payload).statusCode()).isEqualTo(401);
            assertThat(post(operation, patientToken("123", "patient/*.cruds"), FHIR_JSON, payload).statusCode()).isEqualTo(403);
            assertThat(post(operation, userToken("123", "user/*.cruds"), FHIR_JSON, payload).statusCode()).isEqualTo(403);
            assertThat(post(operation, backend("reader", "system/*.rs"), FHIR_JSON, payload).statusCode()).isEqualTo(403);
        }
        String runs = "/$pull-runs?source=" + java.net.URLEncoder.encode("http://ehr-b.example.org/fhir/R4", java.nio.charset.StandardCharsets.UTF_8);
        assertThat(get(runs, null).statusCode()).isEqualTo(401);
        assertThat(get(runs, patientToken("123", "patient/*.rs")).statusCode()).isEqualTo(403);
        assertThat(get(runs, backend("reader", "system/*.rs")).statusCode()).isEqualTo(403);
        // a source's own client is not the operator
        JsonNode c = sources.path("ehr-c");
        register(c.path("name").asText(), c.path("meta_source").asText(), "ehr-c-pusher", c.path("record_id_system").asText(),
                c.path("mrn_system").asText());
        HttpResponse<String> asSource = post("/$pull", backend("ehr-c-pusher", "system/*.cu system/*.rs"), FHIR_JSON,
                pullParameters(c.path("meta_source").asText()));
        assertThat(asSource.statusCode()).isEqualTo(403);
        assertThat(asSource.body()).contains("OperationOutcome");
    }

    @Test
    void whenAKeyReferenceLeavesTheKeyFolderOrIsNoPrivateKeyThenTheRegistrationIsRefused() throws Exception {
        JsonNode c = sources.path("ehr-c");
        String uri = c.path("meta_source").asText();
        register(c.path("name").asText(), uri, "ehr-c-pusher", c.path("record_id_system").asText(), c.path("mrn_system").asText());
        for (String key : List.of("file:../ehr-c.jwk", "file:/etc/passwd", "env:HOME", "env:PORTICO_PULL_KEY_NOT_SET", "file:missing.jwk",
                "file:public.jwk", "ehr-c.jwk")) {
            HttpResponse<String> r = post("/$register-pull", operator(), FHIR_JSON, pullRegistration(uri, ehrC.base() + "/$export", null, key, null));
            assertThat(r.statusCode()).as(key + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("OperationOutcome").doesNotContain("root:");
        }
        HttpResponse<String> notExport = post("/$register-pull", operator(), FHIR_JSON,
                pullRegistration(uri, ehrC.base() + "/Patient", null, "file:ehr-c.jwk", null));
        assertThat(notExport.statusCode()).isEqualTo(400);
        HttpResponse<String> unknownSource = post("/$pull", operator(), FHIR_JSON, pullParameters("http://nobody.example.org"));
        assertThat(unknownSource.statusCode()).isEqualTo(404);
    }

    // --- helpers ---

    private static String operator() {
        return backend("operator", OPERATOR_SCOPE);
    }

    private void configure(String uri, BulkSourceServer server, String key) throws Exception {
        HttpResponse<String> r = post("/$register-pull", operator(), FHIR_JSON,
                pullRegistration(uri, server.base() + "/$export", server.tokenUrl(), key, null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private JsonNode pull(String source) throws Exception {
        HttpResponse<String> r = post("/$pull", operator(), FHIR_JSON, pullParameters(source));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static String pullParameters(String source) {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        p.putArray("parameter").addObject().put("name", "source").put("valueString", source);
        return p.toString();
    }

    static String pullRegistration(String source, String exportUrl, String tokenUrl, String key, String interval) {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode parameters = p.putArray("parameter");
        parameters.addObject().put("name", "source").put("valueString", source);
        parameters.addObject().put("name", "export-url").put("valueUri", exportUrl);
        if (tokenUrl != null) {
            parameters.addObject().put("name", "token-url").put("valueUri", tokenUrl);
        }
        parameters.addObject().put("name", "client-id").put("valueString", PORTICO_AT_SOURCE);
        parameters.addObject().put("name", "key").put("valueString", key);
        if (interval != null) {
            parameters.addObject().put("name", "interval").put("valueString", interval);
        }
        return p.toString();
    }

    static String value(JsonNode parameters, String name) {
        List<String> all = values(parameters, name);
        assertThat(all).as("%s in %s", name, parameters).isNotEmpty();
        return all.get(0);
    }

    static List<String> values(JsonNode parameters, String name) {
        List<String> result = new ArrayList<>();
        for (JsonNode p : parameters.path("parameter")) {
            if (p.path("name").asText().equals(name)) {
                p.fields().forEachRemaining(f -> {
                    if (f.getKey().startsWith("value")) {
                        result.add(f.getValue().asText());
                    }
                });
            }
        }
        return result;
    }

    static List<JsonNode> parts(JsonNode parameters, String name) {
        List<JsonNode> result = new ArrayList<>();
        parameters.path("parameter").forEach(p -> {
            if (p.path("name").asText().equals(name)) {
                result.add(p);
            }
        });
        return result;
    }

    static int entries(JsonNode report) {
        int n = 0;
        for (JsonNode unit : parts(report, "unit")) {
            for (JsonNode part : unit.path("part")) {
                if (part.path("name").asText().equals("entries")) {
                    n += part.path("valueInteger").asInt();
                }
            }
        }
        return n;
    }

    /**
     * The id of the first resource of the type in the file that no other source sent too (a duplicate is
     * stored once, as the source that sent it first sent it).
     */
    private static String firstUnique(String file, String type) throws Exception {
        java.util.Set<String> duplicated = new java.util.HashSet<>();
        for (JsonNode person : JSON.readTree(resource(DATA + "manifest.json")).path("patients")) {
            for (JsonNode duplicate : person.path("duplicates")) {
                duplicated.add(duplicate.path("original").path("id").asText());
                duplicated.add(duplicate.path("copy").path("id").asText());
            }
        }
        for (JsonNode entry : JSON.readTree(resource(DATA + file)).path("entry")) {
            JsonNode r = entry.path("resource");
            if (r.path("resourceType").asText().equals(type) && !duplicated.contains(r.path("id").asText())) {
                return r.path("id").asText();
            }
        }
        throw new AssertionError("no " + type);
    }

    private String storedBySourceId(String type, String system, String id) throws Exception {
        JsonNode found = json(get("/" + type + "?identifier=" + system + "%7C" + id, backend("reader", "system/*.rs")));
        assertThat(found.path("entry").size()).as("%s %s|%s", type, system, id).isEqualTo(1);
        return type + "/" + found.path("entry").path(0).path("resource").path("id").asText();
    }

    private static JWK publicOf(String file) throws Exception {
        return JWK.parse(Files.readString(KEYS.resolve(file))).toPublicJWK();
    }

    private static String privateD(String file) throws Exception {
        return ((ECKey) JWK.parse(Files.readString(KEYS.resolve(file)))).getD().toString();
    }
}
