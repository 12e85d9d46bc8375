package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * (g)(10) scenario 8, Multi-Patient API: FHIR Bulk Data 2.0.0 Group export (G10 checklist §7.5, rows
 * 8.2 to 8.5; 8.1 is {@link G10BackendServicesAuth}). A backend client (the configured {@code bulk}
 * client, else one registered by RFC 7591) exports the configured Group, polls as Inferno does
 * (honouring {@code Retry-After}, else backing off exponentially, for at most three minutes), and
 * downloads and reads every file. One export is shared by the 8.2 and 8.3 rows; 8.4 and 8.5 start
 * their own and cancel them.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class G10BulkData {

    static final String FHIR_JSON = "application/fhir+json";
    static final String NDJSON = "application/fhir+ndjson";
    static final Duration TIMEOUT = Duration.ofSeconds(180);
    static final String BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    static final String GROUP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export";
    /** The types 8.3 wants at least one resource of (US Core 7 profiles of §7.5). */
    static final List<String> REQUIRED_TYPES = List.of("Patient", "AllergyIntolerance", "CarePlan", "CareTeam", "Condition",
            "Device", "DiagnosticReport", "DocumentReference", "Goal", "Immunization", "MedicationRequest", "Observation",
            "Procedure", "Encounter", "Organization", "Practitioner", "Provenance", "Location", "ServiceRequest",
            "RelatedPerson", "Coverage", "MedicationDispense", "Specimen");

    private final Deployment deployment;
    private final SmartClient smart;
    private final DemoFile.BulkData bulk;
    private ClientAuthentication client;
    private String token;
    private URI status;
    private Response kickOff;
    private Response manifest;
    private final Map<String, Response> files = new LinkedHashMap<>();
    private UsCoreExportChecks profiles;
    private Map<String, List<JsonNode>> resources;

    G10BulkData(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.bulk = deployment.demo().bulk().orElse(null);
    }

    @BeforeAll
    void setUp() {
        if (bulk == null) {
            return;
        }
        client = bulk.clientId() != null
                ? ClientAuthentication.privateKeyJwt(bulk.clientId(), bulk.privateKey(), smart.discovery().tokenEndpoint())
                : G10.apps(deployment).backendEs384().auth();
        token = accessToken(client);
    }

    private void needsConfiguration() {
        assumeTrue(bulk != null, "the configuration names no Bulk Data group (\"bulk\": {\"group_id\": ..., \"patients\": [...]})");
    }

    private String accessToken(ClientAuthentication auth) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", "system/*.read");
        Response r = smart.tokenRequest(auth, form);
        assertThat(r.status()).as("backend token (system/*.read): " + r).isEqualTo(200);
        return r.json().path("access_token").asText();
    }

    // --- HTTP ---

    private String groupExport() {
        return "Group/" + bulk.groupId() + "/$export";
    }

    private Response kickOff(String query, String accessToken) {
        URI uri = smart.fhirUri(groupExport() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpSession.request(uri, "Accept", FHIR_JSON, "Prefer", "respond-async");
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        return smart.http().send(request.GET().build());
    }

    private Response get(URI uri, String accessToken, String accept) {
        HttpRequest.Builder request = HttpSession.request(uri, "Accept", accept);
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        return smart.http().send(request.GET().build());
    }

    private Response delete(URI uri, String accessToken) {
        return smart.http().send(HttpSession.request(uri, "Accept", FHIR_JSON, "Authorization", "Bearer " + accessToken)
                .DELETE().build());
    }

    private URI statusUrl(Response kickOff) {
        assertThat(kickOff.status()).as(kickOff.toString()).isEqualTo(202);
        String location = kickOff.header("Content-Location").orElse(null);
        assertThat(location).as("Content-Location of the kick-off").isNotBlank();
        return smart.fhirBase().resolve(location);
    }

    /** Polls as Inferno does: {@code Retry-After} when given (seconds or an HTTP date), else 1, 2, 4... s. */
    private Response poll(URI statusUrl) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        Duration backoff = Duration.ofSeconds(1);
        while (true) {
            Response r = get(statusUrl, token, "application/json");
            if (r.status() != 202) {
                return r;
            }
            Duration wait = retryAfter(r).orElse(backoff);
            backoff = backoff.multipliedBy(2);
            if (Instant.now().plus(wait).isAfter(deadline)) {
                fail("the export did not complete within " + TIMEOUT.toSeconds() + " s (last answer " + r.describe() + ")");
            }
            sleep(wait);
        }
    }

    static java.util.Optional<Duration> retryAfter(Response r) {
        return r.header("Retry-After").map(String::trim).map(value -> {
            if (value.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(Instant.now(), at.toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        });
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The shared export: kicked off once, polled to its end. */
    private synchronized Response manifest() {
        needsConfiguration();
        if (manifest == null) {
            kickOff = kickOff(null, token);
            status = statusUrl(kickOff);
            manifest = poll(status);
        }
        return manifest;
    }

    private JsonNode outputs() {
        Response m = manifest();
        assertThat(m.status()).as(m.toString()).isEqualTo(200);
        return m.json().path("output");
    }

    /** Every file, downloaded once with the token. */
    private synchronized Map<String, Response> files() {
        if (files.isEmpty()) {
            for (JsonNode output : outputs()) {
                String url = output.path("url").asText();
                files.put(output.path("type").asText() + " " + url, get(URI.create(url), token, NDJSON));
            }
        }
        return files;
    }

    /** Every resource of every file, by the file's type (read once). */
    private synchronized Map<String, List<JsonNode>> resources() {
        if (resources != null) {
            return resources;
        }
        Map<String, List<JsonNode>> byType = new LinkedHashMap<>();
        files().forEach((key, file) -> {
            String type = key.substring(0, key.indexOf(' '));
            for (String line : file.body().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    byType.computeIfAbsent(type, t -> new ArrayList<>()).add(Response.JSON.readTree(line));
                } catch (java.io.IOException e) {
                    fail("a line of the " + type + " file is not JSON: " + e.getMessage());
                }
            }
        });
        resources = byType;
        return byType;
    }

    // --- 8.2 Group export ---

    @Test
    @DisplayName("8.2.01 TLS 1.2 and 1.3 on the bulk data (FHIR) server")
    void row_8_2_01_tls() {
        G10Tls.assertModernTlsOnly(smart, smart.fhirBase());
    }

    @Test
    @DisplayName("8.2.02 /metadata: Group has the export operation (group-export), instantiates bulk-data")
    void row_8_2_02_capabilityStatement() {
        Response r = smart.http().get(smart.fhirUri("metadata"), "Accept", FHIR_JSON);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode cs = r.json();
        JsonNode group = null;
        for (JsonNode resource : cs.path("rest").path(0).path("resource")) {
            if (resource.path("type").asText().equals("Group")) {
                group = resource;
            }
        }
        assertThat(group).as("a Group resource in the CapabilityStatement").isNotNull();
        List<String> definitions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        group.path("operation").forEach(op -> {
            names.add(op.path("name").asText());
            definitions.add(op.path("definition").asText());
        });
        assertThat(names).as("Group operations").contains("export");
        assertThat(definitions).as("Group operation definitions").contains(GROUP_EXPORT);
        assertThat(cs.path("instantiates").toString()).as("instantiates").contains(BULK_DATA);
    }

    @Test
    @DisplayName("8.2.03 Group $export without a token -> 400/401")
    void row_8_2_03_noToken() {
        needsConfiguration();
        Response r = kickOff(null, null);
        assertThat(r.status()).as(r.toString()).isIn(400, 401);
    }

    @Test
    @DisplayName("8.2.04 Group $export (Accept fhir+json, Prefer respond-async) -> 202 with Content-Location")
    void row_8_2_04_kickOff() {
        manifest();
        assertThat(kickOff.status()).as(kickOff.toString()).isEqualTo(202);
        assertThat(kickOff.header("Content-Location")).as("Content-Location").isPresent();
    }

    @Test
    @DisplayName("8.2.05 polling (Retry-After honoured, backoff, 180 s) ends in 200, Content-Type application/json")
    void row_8_2_05_poll() {
        Response m = manifest();
        assertThat(m.status()).as(m.toString()).isEqualTo(200);
        assertThat(m.contentType()).startsWith("application/json");
    }

    @Test
    @DisplayName("8.2.06 manifest keys: transactionTime, request, requiresAccessToken, output, error")
    void row_8_2_06_manifest() {
        Response m = manifest();
        assertThat(m.status()).as(m.toString()).isEqualTo(200);
        for (String key : List.of("transactionTime", "request", "requiresAccessToken", "output", "error")) {
            assertThat(m.json().has(key)).as("manifest has " + key).isTrue();
        }
    }

    @Test
    @DisplayName("8.2.07 each output has a type and an absolute url")
    void row_8_2_07_outputs() {
        JsonNode outputs = outputs();
        assertThat(outputs).as("outputs").isNotEmpty();
        for (JsonNode output : outputs) {
            assertThat(output.path("type").asText()).as("type of " + output).isNotBlank();
            URI url = URI.create(output.path("url").asText());
            assertThat(url.isAbsolute()).as("absolute url: " + url).isTrue();
        }
    }

    // --- 8.3 Export validation ---

    @Test
    @DisplayName("8.3.01 TLS 1.2 and 1.3 on the download URL")
    void row_8_3_01_tls() {
        JsonNode outputs = outputs();
        assertThat(outputs).isNotEmpty();
        G10Tls.assertModernTlsOnly(smart, URI.create(outputs.path(0).path("url").asText()));
    }

    @Test
    @DisplayName("8.3.02 requiresAccessToken=true: download without a token -> 400/401")
    void row_8_3_02_downloadWithoutToken() {
        JsonNode outputs = outputs();
        assertThat(manifest().json().path("requiresAccessToken").asBoolean()).as("requiresAccessToken").isTrue();
        Response r = get(URI.create(outputs.path(0).path("url").asText()), null, NDJSON);
        assertThat(r.status()).as(r.toString()).isIn(400, 401);
    }

    @Test
    @DisplayName("8.3.03 download with the token: 200, Content-Type application/fhir+ndjson")
    void row_8_3_03_contentType() {
        files().forEach((key, file) -> {
            assertThat(file.status()).as(key + ": " + file).isEqualTo(200);
            assertThat(file.contentType()).as(key).startsWith(NDJSON);
        });
    }

    @Test
    @DisplayName("8.3.04 each line parses and its resourceType is the file's type")
    void row_8_3_04_lines() {
        resources().forEach((type, list) -> list.forEach(resource ->
                assertThat(resource.path("resourceType").asText()).as("a line of the " + type + " file").isEqualTo(type)));
    }

    @Test
    @DisplayName("8.3.05 at least 2 Patients")
    void row_8_3_05_twoPatients() {
        assertThat(resources().getOrDefault("Patient", List.of())).as("Patients exported").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("8.3.06 the exported Patient ids are the group's members (configured)")
    void row_8_3_06_members() {
        needsConfiguration();
        assumeTrue(!bulk.patients().isEmpty(), "the configuration names no expected patient ids (bulk.patients)");
        List<String> ids = new ArrayList<>();
        resources().getOrDefault("Patient", List.of()).forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(bulk.patients());
    }

    @Test
    @DisplayName("8.3.07 a resource of every US Core type of §7.5 is exported")
    void row_8_3_07_everyType() {
        Map<String, List<JsonNode>> resources = resources();
        Set<String> missing = new LinkedHashSet<>(REQUIRED_TYPES);
        missing.removeAll(resources.keySet());
        assertThat(missing).as("types without any exported resource (exported: " + resources.keySet() + ")").isEmpty();
    }

    /**
     * 8.3.08, one check per US Core profile of the Single Patient API table (all of §7.5's) and per other
     * US Core type the export holds: see {@link UsCoreExportChecks} (which profile a resource is checked
     * against; at most {@value UsCoreExportChecks#MAX_VALIDATED_PER_PROFILE} resources of a profile are
     * validated, every one is read for the must-supports).
     */
    @TestFactory
    @DisplayName("8.3.08 each resource validates against its US Core 7 profile; per profile one resource at least, must-supports covered")
    Stream<DynamicTest> row_8_3_08_profiles() {
        needsConfiguration();
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (UsCoreTable.Group g : profiles().groups()) {
            tests.add(DynamicTest.dynamicTest(String.format("8.3.08.%02d %s (%s): validation (at most %d), must-supports", ++n,
                    g.profile(), g.id(), UsCoreExportChecks.MAX_VALIDATED_PER_PROFILE), () -> guarded(g.profile(), () -> {
                        List<String> problems = profiles().problems(g, profiles().members(g, resources()));
                        assertThat(problems).as(problems.size() + " problems of the exported resources against "
                                + g.profileUrl() + "|" + profiles().version()).isEmpty();
                    })));
        }
        for (Map.Entry<String, String> other : new java.util.TreeMap<>(UsCoreExportChecks.VALIDATED_ONLY).entrySet()) {
            tests.add(DynamicTest.dynamicTest(String.format("8.3.08.%02d %s: validation (at most %d), if exported", ++n,
                    other.getValue(), UsCoreExportChecks.MAX_VALIDATED_PER_PROFILE), () -> guarded(other.getValue(), () -> {
                        List<JsonNode> exported = resources().getOrDefault(other.getKey(), List.of());
                        assumeTrue(!exported.isEmpty(), "no " + other.getKey() + " exported (checked only if exported)");
                        String url = UsCoreExportChecks.profileUrl(other.getValue());
                        List<String> errors = profiles().validationErrors(exported, url);
                        assertThat(errors).as(errors.size() + " validation errors against " + url + "|" + profiles().version())
                                .isEmpty();
                    })));
        }
        return tests.stream();
    }

    private synchronized UsCoreExportChecks profiles() {
        if (profiles == null) {
            profiles = new UsCoreExportChecks("7.0.0");
        }
        return profiles;
    }

    /** Runs a check; a failure of a profile {@link #knownProfileGaps()} names becomes a skip carrying the reason. */
    private void guarded(String profile, org.junit.jupiter.api.function.Executable check) throws Throwable {
        try {
            check.execute();
        } catch (AssertionError e) {
            String gap = knownProfileGaps().get(profile);
            if (gap != null) {
                org.junit.jupiter.api.Assumptions.abort(gap + " -- check failed: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * US Core profiles (ids) whose 8.3.08 check the tested server is known not to pass yet, with the
     * reason: a failing check of one is reported as skipped with it. The kit knows none; an IT subclass
     * names its server's.
     */
    protected Map<String, String> knownProfileGaps() {
        return Map.of();
    }

    // --- 8.4 Cancel ---

    @Test
    @DisplayName("8.4 new kick-off 202, DELETE 202, then GET of the status URL 404 with an OperationOutcome")
    void row_8_4_cancel() {
        needsConfiguration();
        URI url = statusUrl(kickOff(null, token));
        Response deleted = delete(url, token);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(202);
        Response after = get(url, token, FHIR_JSON);
        assertThat(after.status()).as(after.toString()).isEqualTo(404);
        assertThat(after.json().path("resourceType").asText()).as("body of " + after).isEqualTo("OperationOutcome");
    }

    // --- 8.5 Parameters ---

    private void kickOffAndDelete(String query) {
        needsConfiguration();
        Response r = kickOff(query, token);
        assertThat(r.status()).as(query + ": " + r).isEqualTo(202);
        Response deleted = delete(statusUrl(r), token);
        assertThat(deleted.status()).as("DELETE after " + query + ": " + deleted).isEqualTo(202);
    }

    @Test
    @DisplayName("8.5.01 _outputFormat=application/fhir+ndjson -> 202 (DELETE 202)")
    void row_8_5_01_fhirNdjson() {
        kickOffAndDelete("_outputFormat=" + HttpSession.encode("application/fhir+ndjson"));
    }

    @Test
    @DisplayName("8.5.02 _outputFormat=application/ndjson -> 202 (DELETE 202)")
    void row_8_5_02_ndjson() {
        kickOffAndDelete("_outputFormat=" + HttpSession.encode("application/ndjson"));
    }

    @Test
    @DisplayName("8.5.03 _outputFormat=ndjson -> 202 (DELETE 202)")
    void row_8_5_03_shortNdjson() {
        kickOffAndDelete("_outputFormat=ndjson");
    }

    @Test
    @DisplayName("8.5.04 _since=<a week ago> -> 202 (DELETE 202)")
    void row_8_5_04_since() {
        kickOffAndDelete("_since=" + HttpSession.encode(Instant.now().minus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString()));
    }

    // --- beyond Inferno: the export is its client's ---

    @Test
    @DisplayName("BULK-OWN another backend client's poll and download of the export -> 404 (or 403)")
    void row_bulk_otherClient() {
        needsConfiguration();
        JsonNode outputs = outputs();
        String other = accessToken(G10.apps(deployment).backendRs384().auth());
        Response poll = get(status, other, "application/json");
        assertThat(poll.status()).as(poll.toString()).isIn(403, 404);
        Response download = get(URI.create(outputs.path(0).path("url").asText()), other, NDJSON);
        assertThat(download.status()).as(download.toString()).isIn(403, 404);
    }
}
