package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.portico.fhir.audit.AuditLog;
import org.portico.fhir.audit.AuditRecord;
import org.portico.fhir.demo.DemoDataLoader;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bulk Data 2.0 export over real HTTP and PostgreSQL (ADR 0013): the flows of a backend client, and
 * beside each, the rule that refuses everyone else.
 */
class BulkExportIT extends AuthzItSupport {

    private static final String GROUP = "/Group/" + DemoDataLoader.GROUP_ID + "/$export";
    private static final String LABORATORY = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    @Autowired
    AuditLog auditLog;

    // --- kick-off: who ---

    @Test
    void whenBackendKicksOffGroupExportThen202WithAbsoluteStatusUrl() throws Exception {
        HttpResponse<String> r = kickOff(GROUP, backend("backend-" + UUID.randomUUID(), "system/*.rs"));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Content-Location").orElseThrow())
                .startsWith(TestTokens.FHIR_BASE + "/$export-poll-status?_jobId=");
    }

    @Test
    void whenNoTokenThen401() throws Exception {
        HttpResponse<String> r = kickOff(GROUP, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void whenPatientTokenKicksOffThen403() throws Exception {
        for (String path : List.of(GROUP, "/Patient/$export", "/$export", "/Patient/" + a.id() + "/$export")) {
            HttpResponse<String> r = kickOff(path, tokenA("patient/*.rs"));
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(diagnostics(r)).as(path).contains("system/");
        }
    }

    @Test
    void whenUserTokenKicksOffThen403() throws Exception {
        HttpResponse<String> r = kickOff(GROUP, userTokenA("user/*.rs"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void whenBackendTokenWithoutReadScopeThen403() throws Exception {
        HttpResponse<String> r = kickOff(GROUP, backend("backend-" + UUID.randomUUID(), "system/Observation.s"));
        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void whenPreferRespondAsyncMissingThen400() throws Exception {
        HttpResponse<String> r = send("GET", GROUP, backend("backend-" + UUID.randomUUID(), "system/*.rs"), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    // --- the whole flow, and the owner ---

    @Test
    void whenGroupExportCompletesThenManifestAndFilesHoldTheGroupsPatients() throws Exception {
        String client = "backend-" + UUID.randomUUID();
        String token = backend(client, "system/*.rs");
        Instant started = Instant.now().minusSeconds(1);
        JsonNode manifest = json(awaitManifest(status(kickOff(GROUP, token)), token));

        assertThat(manifest.path("requiresAccessToken").asBoolean()).isTrue();
        assertThat(manifest.path("transactionTime").asText()).isNotBlank();
        assertThat(manifest.path("request").asText()).contains(GROUP);
        assertThat(manifest.path("error").isArray()).isTrue();
        Set<String> types = new HashSet<>();
        List<String> patients = new ArrayList<>();
        for (JsonNode output : manifest.path("output")) {
            String type = output.path("type").asText();
            types.add(type);
            assertThat(output.path("url").asText()).startsWith(TestTokens.FHIR_BASE + "/Binary/");
            HttpResponse<String> file = download(output.path("url").asText(), token);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+ndjson");
            for (String line : file.body().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode resource = JSON.readTree(line);
                assertThat(resource.path("resourceType").asText()).isEqualTo(type);
                if (type.equals("Patient")) {
                    patients.add(resource.path("id").asText());
                }
            }
        }
        assertThat(types).contains("Patient", "Observation", "Condition");
        assertThat(patients).containsExactlyInAnyOrderElementsOf(groupMembers());

        List<AuditRecord> rows = auditRows(client, started);
        assertThat(rows).anySatisfy(e -> {
            assertThat(e.interaction()).isEqualTo("operation");
            assertThat(e.httpStatus()).isEqualTo(202);
            assertThat(e.requestUrl()).contains("$export");
        });
        assertThat(rows).anySatisfy(e -> {
            assertThat(e.requestUrl()).contains("$export-poll-status");
            assertThat(e.httpStatus()).isEqualTo(200);
        });
        assertThat(rows).anySatisfy(e -> {
            assertThat(e.interaction()).isEqualTo("read");
            assertThat(e.resources()).singleElement().asString().startsWith("Binary/");
            // one event naming every patient of the file would show each of them the others (ADR 0013)
            assertThat(e.patients()).isEmpty();
        });
    }

    @Test
    void whenAnotherClientPollsCancelsOrDownloadsThen404AndTheOwnersExportIsUntouched() throws Exception {
        String owner = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        String other = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        String status = status(kickOff(GROUP + "?_type=Patient", owner));

        HttpResponse<String> poll = get(local(status), other);
        assertThat(poll.statusCode()).isEqualTo(404);
        assertThat(json(poll).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(send("DELETE", local(status), other, null).statusCode()).isEqualTo(404);
        assertThat(get(local(status), tokenA("patient/*.rs")).statusCode()).isEqualTo(403);
        assertThat(get(local(status), null).statusCode()).isEqualTo(401);

        JsonNode manifest = json(awaitManifest(status, owner));
        String url = manifest.path("output").path(0).path("url").asText();
        assertThat(download(url, other).statusCode()).as("another client's download").isEqualTo(404);
        assertThat(download(url, null).statusCode()).as("without a token").isEqualTo(401);
        assertThat(download(url, tokenA("patient/*.rs")).statusCode()).as("a patient token").isEqualTo(403);
        String binaryId = url.substring(url.lastIndexOf('/') + 1);
        HttpResponse<String> search = get("/Binary?_count=200", other);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).doesNotContain(binaryId);
        HttpResponse<String> ownSearch = get("/Binary?_id=" + binaryId, owner);
        assertThat(ownSearch.body()).as("files are downloaded, never searched").doesNotContain("\"id\":\"" + binaryId + "\"");
        assertThat(ownSearch.statusCode()).isEqualTo(200);
        assertThat(get("/Binary/" + binaryId + "/_history", owner).statusCode()).as("instance history").isEqualTo(404);
        HttpResponse<String> history = get("/Binary/_history?_count=200", owner);
        assertThat(history.statusCode()).as("type history holding a file").isEqualTo(403);
        assertThat(history.body()).doesNotContain(binaryId);
        HttpResponse<String> overwrite = send("PUT", "/Binary/" + binaryId, backend("backend-" + UUID.randomUUID(), "system/*.cruds"),
                "{\"resourceType\":\"Binary\",\"id\":\"" + binaryId + "\",\"contentType\":\"text/plain\",\"data\":\"eA==\"}");
        assertThat(overwrite.statusCode()).as("overwriting a file").isEqualTo(403);
        assertThat(download(url, owner).statusCode()).as("the owner's download").isEqualTo(200);
    }

    @Test
    void whenOwnerDownloadsWithOnlyObservationScopeThenItsFilesAreServed() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/Observation.rs");
        JsonNode manifest = json(awaitManifest(status(kickOff(GROUP, token)), token));
        assertThat(manifest.path("output")).isNotEmpty();
        for (JsonNode output : manifest.path("output")) {
            assertThat(output.path("type").asText()).as("only the granted type").isEqualTo("Observation");
            assertThat(download(output.path("url").asText(), token).statusCode()).isEqualTo(200);
        }
    }

    // --- what is exported ---

    @Test
    void whenTypeOutsideTheGrantThen403() throws Exception {
        HttpResponse<String> r = kickOff(GROUP + "?_type=Observation,Condition", backend("backend-" + UUID.randomUUID(), "system/Observation.rs"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(diagnostics(r)).contains("Condition");
    }

    @Test
    void whenTypeRequestedThenOnlyThatType() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        JsonNode manifest = json(awaitManifest(status(kickOff("/$export?_type=Patient", token)), token));
        List<String> types = new ArrayList<>();
        manifest.path("output").forEach(o -> types.add(o.path("type").asText()));
        assertThat(types).isNotEmpty().containsOnly("Patient");
    }

    @Test
    void whenGrantIsGranularThenOnlyThatCategoryIsExported() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(),
                "system/Observation.rs?category=" + URLEncoder.encode(LABORATORY, StandardCharsets.UTF_8));
        JsonNode manifest = json(awaitManifest(status(kickOff(GROUP, token)), token));
        Set<String> exported = new HashSet<>();
        for (JsonNode output : manifest.path("output")) {
            assertThat(output.path("type").asText()).isEqualTo("Observation");
            for (String line : download(output.path("url").asText(), token).body().split("\n")) {
                if (!line.isBlank()) {
                    JsonNode obs = JSON.readTree(line);
                    assertThat(obs.path("category").toString()).as("category of %s", obs.path("id")).contains("laboratory");
                    exported.add(obs.path("id").asText());
                }
            }
        }
        Set<String> laboratory = new HashSet<>();
        daos.getResourceDao("Observation").search(SearchParameterMap.newSynchronous("category",
                        new TokenParam("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")), new SystemRequestDetails())
                .getAllResources().forEach(o -> laboratory.add(o.getIdElement().getIdPart()));
        assertThat(laboratory).isNotEmpty();
        assertThat(exported).isEqualTo(laboratory);
    }

    @Test
    void whenGranularGrantAndOwnTypeFilterThen403() throws Exception {
        HttpResponse<String> r = kickOff(GROUP + "?_typeFilter=" + URLEncoder.encode("Observation?code=x", StandardCharsets.UTF_8),
                backend("backend-" + UUID.randomUUID(), "system/Observation.rs?category=" + URLEncoder.encode(LABORATORY, StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void whenOutputFormatIsAnNdjsonSpellingThen202AndOtherwise400() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        for (String format : List.of("application/fhir+ndjson", "application/ndjson", "ndjson")) {
            HttpResponse<String> r = kickOff(GROUP + "?_type=Patient&_outputFormat=" + URLEncoder.encode(format, StandardCharsets.UTF_8), token);
            assertThat(r.statusCode()).as(format).isEqualTo(202);
            assertThat(send("DELETE", local(status(r)), token, null).statusCode()).as(format).isEqualTo(202);
        }
        HttpResponse<String> csv = kickOff(GROUP + "?_outputFormat=text%2Fcsv", token);
        assertThat(csv.statusCode()).isEqualTo(400);
        assertThat(json(csv).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void whenSinceIsNowThenNothingOlderIsExported() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        String since = URLEncoder.encode(Instant.now().plusSeconds(60).toString(), StandardCharsets.UTF_8);
        JsonNode manifest = json(awaitManifest(status(kickOff(GROUP + "?_type=Patient,Observation&_since=" + since, token)), token));
        assertThat(manifest.path("output")).isEmpty();
    }

    // --- Locations the patients' data refers to (HAPI adds only Practitioner and Organization) ---

    @Test
    void whenGroupExportedThenItHoldsTheLocationsItsMembersDataRefersTo() throws Exception {
        Map<String, List<JsonNode>> exported = exportOfLocationFixture("/Group/" + LocationFixture.GROUP + "/$export", "system/*.rs");

        assertThat(ids(exported, "Patient")).containsExactly(LocationFixture.MEMBER);
        assertThat(ids(exported, "Encounter")).containsExactly(LocationFixture.MEMBER_ENCOUNTER);
        assertThat(ids(exported, "Location")).containsExactly(LocationFixture.MEMBER_LOCATION);
        // and nothing but what the exported data names
        Set<String> referenced = new HashSet<>();
        exported.forEach((type, list) -> list.forEach(r -> referenced.addAll(references(r))));
        ids(exported, "Location").forEach(id -> assertThat(referenced).contains("Location/" + id));
        assertThat(ids(exported, "Location")).doesNotContain(LocationFixture.UNREFERENCED_LOCATION);
    }

    @Test
    void whenLocationIsReferencedOnlyByANonMembersDataThenTheGroupExportLeavesItOut() throws Exception {
        Map<String, List<JsonNode>> exported = exportOfLocationFixture("/Group/" + LocationFixture.GROUP + "/$export", "system/*.rs");

        assertThat(ids(exported, "Location")).doesNotContain(LocationFixture.OTHER_LOCATION);
        exported.forEach((type, list) -> list.forEach(r -> assertThat(r.toString()).as(type + "/" + r.path("id").asText())
                .doesNotContain(LocationFixture.OTHER).doesNotContain(LocationFixture.OTHER_ENCOUNTER)));
    }

    @Test
    void whenPatientExportedThenItHoldsTheLocationsItsDataRefersTo() throws Exception {
        Map<String, List<JsonNode>> exported = exportOfLocationFixture("/Patient/" + LocationFixture.MEMBER + "/$export", "system/*.rs");

        assertThat(ids(exported, "Patient")).containsExactly(LocationFixture.MEMBER);
        assertThat(ids(exported, "Location")).containsExactly(LocationFixture.MEMBER_LOCATION);
    }

    @Test
    void whenTokenMayNotReadLocationThenTheGroupExportHasNoLocations() throws Exception {
        Map<String, List<JsonNode>> exported = exportOfLocationFixture("/Group/" + LocationFixture.GROUP + "/$export",
                "system/Patient.rs system/Encounter.rs");

        assertThat(ids(exported, "Encounter")).containsExactly(LocationFixture.MEMBER_ENCOUNTER);
        assertThat(exported).doesNotContainKey("Location");
    }

    @Test
    void whenTypeNamesLocationOnAGroupExportThenHapisProviderRefusesIt() throws Exception {
        // HAPI validates _type before any hook: Location is added only to exports that name no _type (ADR 0013)
        HttpResponse<String> r = kickOff("/Group/" + DemoDataLoader.GROUP_ID + "/$export?_type=Encounter,Location",
                backend("backend-" + UUID.randomUUID(), "system/*.rs"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(diagnostics(r)).contains("Location");
    }

    // --- cancel ---

    @Test
    void whenDeletedThen202AndThen404WithOperationOutcome() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        String status = status(kickOff(GROUP, token));
        HttpResponse<String> deleted = send("DELETE", local(status), token, null);
        assertThat(deleted.statusCode()).isEqualTo(202);
        HttpResponse<String> after = get(local(status), token);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(json(after).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void whenCompletedExportDeletedThen202AndItsStatusAndFilesAreGone() throws Exception {
        String token = backend("backend-" + UUID.randomUUID(), "system/*.rs");
        String status = status(kickOff(GROUP + "?_type=Patient", token));
        String url = json(awaitManifest(status, token)).path("output").path(0).path("url").asText();
        assertThat(send("DELETE", local(status), token, null).statusCode()).isEqualTo(202);
        assertThat(get(local(status), token).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", local(status), token, null).statusCode()).isEqualTo(404);
        assertThat(download(url, token).statusCode()).isEqualTo(404);
    }

    // --- the contract ---

    @Test
    void capabilityStatementDeclaresBulkDataExport() throws Exception {
        JsonNode cs = json(get("/metadata", null));
        assertThat(cs.path("instantiates").toString()).contains("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
        JsonNode rest = cs.path("rest").path(0);
        assertThat(operation(rest, "export")).isEqualTo("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
        for (JsonNode resource : rest.path("resource")) {
            switch (resource.path("type").asText()) {
                case "Group" -> assertThat(operation(resource, "export")).isEqualTo("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export");
                case "Patient" -> assertThat(operation(resource, "export")).isEqualTo("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export");
                default -> { }
            }
        }
    }

    @Test
    void demoGroupListsEveryDemoPatientAndIsReadableBySystemTokens() throws Exception {
        HttpResponse<String> r = get("/Group/" + DemoDataLoader.GROUP_ID, backend("backend-" + UUID.randomUUID(), "system/Group.rs"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(groupMembers()).hasSizeGreaterThanOrEqualTo(2).contains(a.id(), b.id());
    }

    @Test
    void whenPatientOrUserTokenMeetsTheGroupThenItIsHidden() throws Exception {
        String group = "/Group/" + DemoDataLoader.GROUP_ID;
        HttpResponse<String> read = get(group, tokenA("patient/*.rs"));
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(json(read).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(get(group, userTokenA("user/*.rs")).statusCode()).isEqualTo(403);
        for (String path : List.of("/Group?_count=50", "/Group?member=Patient/" + a.id(), "/Patient/" + a.id() + "/$everything?_count=500",
                "/Patient?_id=" + a.id() + "&_revinclude=Group:member")) {
            HttpResponse<String> r = get(path, tokenA("patient/*.rs"));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain("\"resourceType\":\"Group\"").doesNotContain(b.id());
        }
    }

    // --- helpers ---

    private static String operation(JsonNode holder, String name) {
        for (JsonNode op : holder.path("operation")) {
            if (op.path("name").asText().equals(name)) {
                return op.path("definition").asText();
            }
        }
        return null;
    }

    /** Every resource of every file of a completed export by a new backend client with {@code scope}, by type. */
    private Map<String, List<JsonNode>> exportOfLocationFixture(String path, String scope) throws Exception {
        LocationFixture.load(daos);
        String token = backend("backend-" + UUID.randomUUID(), scope);
        JsonNode manifest = json(awaitManifest(status(kickOff(path, token)), token));
        Map<String, List<JsonNode>> byType = new TreeMap<>();
        for (JsonNode output : manifest.path("output")) {
            for (String line : download(output.path("url").asText(), token).body().split("\n")) {
                if (!line.isBlank()) {
                    byType.computeIfAbsent(output.path("type").asText(), t -> new ArrayList<>()).add(JSON.readTree(line));
                }
            }
        }
        return byType;
    }

    private static List<String> ids(Map<String, List<JsonNode>> exported, String type) {
        return exported.getOrDefault(type, List.of()).stream().map(r -> r.path("id").asText()).toList();
    }

    private static Set<String> references(JsonNode node) {
        Set<String> refs = new HashSet<>();
        if (node.isContainerNode()) {
            JsonNode ref = node.get("reference");
            if (ref != null && ref.isTextual()) {
                refs.add(ref.asText());
            }
            node.forEach(child -> refs.addAll(references(child)));
        }
        return refs;
    }

    private List<String> groupMembers() {
        Group group = (Group) daos.getResourceDao("Group").read(new IdType("Group", DemoDataLoader.GROUP_ID), new SystemRequestDetails());
        return group.getMember().stream().map(m -> m.getEntity().getReferenceElement().getIdPart()).toList();
    }

    private List<AuditRecord> auditRows(String client, Instant since) {
        return auditLog.search(new AuditLog.Query(List.of(), since, null, false), 0, 500).stream()
                .filter(e -> client.equals(e.clientId())).toList();
    }

    static String backend(String clientId, String scope) {
        return TOKENS.sign(TOKENS.claims(null, scope).claim(SmartClaims.CLIENT_ID, clientId)
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(3600))).build());
    }

    HttpResponse<String> kickOff(String path, String token) throws Exception {
        return send("GET", path, token, null, "Prefer", "respond-async");
    }

    HttpResponse<String> download(String url, String token) throws Exception {
        return send("GET", local(url), token, null, "Accept", "application/fhir+ndjson");
    }

    static String status(HttpResponse<String> kickOff) {
        assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
        return kickOff.headers().firstValue("Content-Location").orElseThrow();
    }

    /** The server's absolute URLs name its public base; the test server listens on a random port. */
    String local(String url) {
        return url.startsWith(TestTokens.FHIR_BASE.toString()) ? base() + url.substring(TestTokens.FHIR_BASE.toString().length()) : url;
    }

    HttpResponse<String> awaitManifest(String status, String token) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            HttpResponse<String> r = get(local(status), token);
            if (r.statusCode() != 202) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
                return r;
            }
            int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1, 10);
            assertThat(System.nanoTime()).as("export finished in time").isLessThan(deadline);
            Thread.sleep(300);
        }
    }
}
