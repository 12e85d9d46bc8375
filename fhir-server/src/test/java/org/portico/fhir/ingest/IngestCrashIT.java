package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;

/**
 * Crash safety of ingestion (ADR 0017, invariant 5): the fhir-server jar, as users run it, is started
 * as a process on its own database, a source streams small units at it, the process is killed with
 * SIGKILL ({@code Process.destroyForcibly}) while units are in flight, and started again on the same
 * database. Then every unit whose 200 the source received is there in full, and every other unit is
 * there in full or not at all: nothing partial. Needs {@code target/portico-fhir-server.jar} (the
 * {@code package} phase, which runs before the ITs).
 */
class IngestCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String RECORD_SYSTEM = "urn:portico:crash-test:record";
    private static final String MRN_SYSTEM = "urn:portico:crash-test:mrn";
    private static final String CLIENT = "crash-test-ehr";
    private static final int OBSERVATIONS = 5;
    private static final int ACKS_BEFORE_KILL = 8;

    private final TestTokens tokens = new TestTokens();
    private final PostgresTestDatabase db = PostgresTestDatabase.get("ingest_crash");
    private Process server;
    private int port;

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        tokens.close();
    }

    @Test
    void whenTheServerIsKilledMidStreamThenEveryAcknowledgedUnitIsThereAndNoUnitIsPartial() throws Exception {
        port = freePort();
        server = start("first");
        HttpResponse<String> registered = post("/$register-source", backend("operator", "system/Organization.cu"), registration());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        Set<Integer> sent = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(ACKS_BEFORE_KILL);
        // two streams, so that a unit is in flight (likely mid-transaction) when the process dies
        List<Thread> streams = new ArrayList<>();
        for (int stream = 0; stream < 2; stream++) {
            int first = stream * 10_000;
            Thread t = new Thread(() -> {
                for (int unit = first; unit < first + 10_000; unit++) {
                    sent.add(unit);
                    try {
                        HttpResponse<String> r = post("/$ingest", backend(CLIENT, "system/*.cu system/*.rs"), unit(unit));
                        if (r.statusCode() == 200) {
                            acknowledged.add(unit);
                            enough.countDown();
                        } else {
                            return;
                        }
                    } catch (IOException | InterruptedException e) {
                        return; // the server is gone
                    }
                }
            });
            t.start();
            streams.add(t);
        }
        assertThat(enough.await(10, TimeUnit.MINUTES)).as("units acknowledged before the kill").isTrue();
        server.destroyForcibly();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        for (Thread t : streams) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        Set<Integer> acknowledgedBeforeKill = Set.copyOf(acknowledged);
        Set<Integer> inFlight = new java.util.TreeSet<>(sent);
        inFlight.removeAll(acknowledgedBeforeKill);

        server = start("second");
        String reader = backend("reader", "system/*.rs");
        for (int unit : acknowledgedBeforeKill) {
            assertThat(present(unit, reader)).as("acknowledged unit %d in full", unit).isEqualTo(OBSERVATIONS + 1);
        }
        for (int unit : inFlight) {
            assertThat(present(unit, reader)).as("unit %d in flight at the kill: all or nothing", unit).isIn(0, OBSERVATIONS + 1);
        }
        // the source resends what it has no answer for: accepted, and then complete
        for (int unit : inFlight) {
            HttpResponse<String> r = post("/$ingest", backend(CLIENT, "system/*.cu system/*.rs"), unit(unit));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(present(unit, reader)).isEqualTo(OBSERVATIONS + 1);
        }
    }

    /** How many of the unit's resources are stored (each found by its source id, at most once). */
    private int present(int unit, String token) throws Exception {
        int found = 0;
        JsonNode patients = json(get("/Patient?identifier=" + RECORD_SYSTEM + "%7Cp-" + unit, token));
        assertThat(patients.path("entry").size()).isLessThanOrEqualTo(1);
        found += patients.path("entry").size();
        for (int i = 0; i < OBSERVATIONS; i++) {
            JsonNode observations = json(get("/Observation?identifier=" + RECORD_SYSTEM + "%7Co-" + unit + "-" + i, token));
            assertThat(observations.path("entry").size()).isLessThanOrEqualTo(1);
            found += observations.path("entry").size();
        }
        return found;
    }

    private static String unit(int n) {
        return GeneratedUnits.unit("", n, OBSERVATIONS, MRN_SYSTEM);
    }

    private Process start(String name) throws Exception {
        Path jar = Path.of("target", "portico-fhir-server.jar");
        assertThat(jar).as("the packaged server (mvn package)").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = Path.of("target", "ingest-crash-" + name + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(),
                "--server.port=" + port,
                "--portico.fhir.base-url=" + TestTokens.FHIR_BASE,
                "--portico.fhir.auth.issuer=" + TestTokens.ISSUER,
                "--portico.fhir.auth.jwks-uri=" + tokens.jwksUri(),
                "--portico.fhir.auth.revocation-feed-uri=" + tokens.revocationFeedUri(),
                "--portico.fhir.db.url=" + db.url(),
                "--portico.fhir.db.username=" + db.user(),
                "--portico.fhir.db.password=" + db.password(),
                "--portico.fhir.demo-dir=")
                .redirectErrorStream(true).redirectOutput(log);
        Process process = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(12));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("the server runs (see " + log + ")").isTrue();
            try {
                if (get("/metadata", null).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the server did not start in time; see " + log);
    }

    private String backend(String clientId, String scope) {
        return tokens.sign(tokens.claims(null, scope).claim(SmartClaims.CLIENT_ID, clientId)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
    }

    private static String registration() {
        ObjectNode p = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode parameters = p.putArray("parameter");
        parameters.addObject().put("name", "name").put("valueString", "Crash test EHR");
        parameters.addObject().put("name", "uri").put("valueUri", "http://crash-test.example.org/fhir");
        parameters.addObject().put("name", "client-id").put("valueString", CLIENT);
        parameters.addObject().put("name", "record-id-system").put("valueUri", RECORD_SYSTEM);
        parameters.addObject().put("name", "mrn-system").put("valueUri", MRN_SYSTEM);
        return p.toString();
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir" + path))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/fhir+json")
                // HAPI reuses a search's results for a while unless told not to
                .header("Cache-Control", "no-cache");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir" + path))
                .timeout(Duration.ofSeconds(120)).header("Accept", "application/fhir+json")
                .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
