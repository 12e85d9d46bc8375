package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small FHIR Bulk Data source over real HTTP, for the pull ITs: what an EHR does for a
 * backend-services client. Its token endpoint takes {@code client_credentials} with a
 * {@code private_key_jwt} assertion and checks it against the public key registered for the client
 * (signature, {@code iss} = {@code sub} = client id, {@code aud} = the token URL, {@code exp} at most
 * five minutes ahead, {@code jti} used once); its kick-off wants the bearer token and
 * {@code Prefer: respond-async}, answers 202 with {@code Content-Location}, exports only what changed
 * after {@code _since} and of the {@code _type}s asked; the status answers 202 with
 * {@code Retry-After} once, then the manifest ({@code requiresAccessToken: true}); the files want the
 * token too. Failures on demand: a status answering 500, an error file in the manifest.
 */
final class BulkSourceServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One resource as the source keeps it. */
    private record Stored(String type, String id, String json, Instant lastUpdated) {}

    private record Job(Instant transactionTime, Map<String, List<String>> files, int[] polls) {}

    private final HttpServer server;
    private final Map<String, Stored> resources = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, JWK> clients = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Set<String> jtis = ConcurrentHashMap.newKeySet();
    /** The query parameters of every kick-off, in order. */
    final List<Map<String, String>> kickOffs = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    volatile int refusedAssertions;
    volatile Integer statusFailure;
    volatile boolean errorFile;
    volatile boolean ignoreSince;

    BulkSourceServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    String tokenUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth/token";
    }

    /** Registers a backend client with its public key, as the source's operator does. */
    void registerClient(String clientId, JWK publicKey) {
        clients.put(clientId, publicKey);
    }

    /** Adds or replaces resources (ndjson lines); each gets a lastUpdated of now. */
    void put(String ndjson) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (String line : ndjson.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode r = JSON.readTree(line);
                String key = r.path("resourceType").asText() + "/" + r.path("id").asText();
                resources.put(key, new Stored(r.path("resourceType").asText(), r.path("id").asText(), line, now));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    /** The resource's JSON as the source keeps it. */
    String get(String type, String id) {
        return resources.get(type + "/" + id).json();
    }

    int size() {
        return resources.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/auth/token") && method.equals("POST")) {
                token(exchange);
            } else if (path.equals("/fhir/.well-known/smart-configuration")) {
                send(exchange, 200, "application/json", JSON.createObjectNode().put("token_endpoint", tokenUrl()).toString());
            } else if (!authorized(exchange)) {
                send(exchange, 401, "application/fhir+json", outcome("a bearer token is needed"));
            } else if (path.endsWith("/$export") && method.equals("GET")) {
                kickOff(exchange);
            } else if (path.startsWith("/status/") && method.equals("GET")) {
                status(exchange, path.substring("/status/".length()));
            } else if (path.startsWith("/status/") && method.equals("DELETE")) {
                deleted.add(path.substring("/status/".length()));
                send(exchange, 202, "application/json", "");
            } else if (path.startsWith("/files/")) {
                file(exchange, path.substring("/files/".length()));
            } else {
                send(exchange, 404, "application/fhir+json", outcome("not found"));
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"client_credentials".equals(form.get("grant_type"))
                || !BulkClient.ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_request\"}");
            return;
        }
        if (!validAssertion(form.get("client_assertion"))) {
            refusedAssertions++;
            send(exchange, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"the client assertion is not valid\"}");
            return;
        }
        String token = UUID.randomUUID().toString();
        tokens.add(token);
        ObjectNode body = JSON.createObjectNode().put("access_token", token).put("token_type", "bearer").put("expires_in", 300)
                .put("scope", form.getOrDefault("scope", ""));
        send(exchange, 200, "application/json", body.toString());
    }

    private boolean validAssertion(String assertion) {
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            JWK key = clients.get(claims.getIssuer());
            if (key == null || !claims.getIssuer().equals(claims.getSubject())) {
                return false;
            }
            JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
            Instant exp = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
            return jwt.verify(verifier) && claims.getAudience().contains(tokenUrl()) && exp != null && exp.isAfter(Instant.now())
                    && !exp.isAfter(Instant.now().plusSeconds(310)) && claims.getJWTID() != null && jtis.add(claims.getJWTID());
        } catch (Exception e) {
            return false;
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && tokens.contains(header.substring("Bearer ".length()));
    }

    private void kickOff(HttpExchange exchange) throws IOException {
        if (!"respond-async".equals(exchange.getRequestHeaders().getFirst("Prefer"))) {
            send(exchange, 400, "application/fhir+json", outcome("Prefer: respond-async is required"));
            return;
        }
        Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
        kickOffs.add(params);
        Instant since = params.containsKey("_since") && !ignoreSince ? Instant.parse(params.get("_since")) : null;
        Set<String> types = params.containsKey("_type") ? Set.of(params.get("_type").split(",")) : null;
        Instant transactionTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, List<String>> files = new LinkedHashMap<>();
        synchronized (resources) {
            for (Stored r : resources.values()) {
                if ((since == null || r.lastUpdated().isAfter(since)) && (types == null || types.contains(r.type()))) {
                    files.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r.json());
                }
            }
        }
        String job = UUID.randomUUID().toString();
        jobs.put(job, new Job(transactionTime, files, new int[1]));
        exchange.getResponseHeaders().add("Content-Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/status/" + job);
        send(exchange, 202, "application/fhir+json", "");
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        Job job = jobs.get(id);
        if (job == null) {
            send(exchange, 404, "application/fhir+json", outcome("no such export"));
            return;
        }
        if (statusFailure != null) {
            send(exchange, statusFailure, "application/fhir+json", outcome("the export failed on the source"));
            return;
        }
        if (job.polls()[0]++ == 0) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.getResponseHeaders().add("X-Progress", "exporting");
            send(exchange, 202, "application/json", "");
            return;
        }
        String files = "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + id + "/";
        ObjectNode manifest = JSON.createObjectNode().put("transactionTime", job.transactionTime().toString())
                .put("request", base() + "/$export").put("requiresAccessToken", true);
        ArrayNode output = manifest.putArray("output");
        job.files().forEach((type, lines) -> output.addObject().put("type", type).put("url", files + type).put("count", lines.size()));
        ArrayNode error = manifest.putArray("error");
        if (errorFile) {
            error.addObject().put("type", "OperationOutcome").put("url", files + "errors");
        }
        send(exchange, 200, "application/json", manifest.toString());
    }

    private void file(HttpExchange exchange, String rest) throws IOException {
        String[] parts = rest.split("/");
        Job job = parts.length == 2 ? jobs.get(parts[0]) : null;
        if (job == null) {
            send(exchange, 404, "application/fhir+json", outcome("no such file"));
            return;
        }
        if (parts[1].equals("errors")) {
            send(exchange, 200, "application/fhir+ndjson", outcome("Observation/x could not be exported: storage failure") + "\n");
            return;
        }
        List<String> lines = job.files().get(parts[1]);
        send(exchange, lines == null ? 404 : 200, "application/fhir+ndjson", lines == null ? "" : String.join("\n", lines) + "\n");
    }

    private static String outcome(String diagnostics) {
        ObjectNode o = JSON.createObjectNode().put("resourceType", "OperationOutcome");
        o.putArray("issue").addObject().put("severity", "error").put("code", "processing").put("diagnostics", diagnostics);
        return o.toString();
    }

    private static Map<String, String> query(String query) {
        Map<String, String> result = new HashMap<>();
        if (query == null) {
            return result;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                result.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!contentType.isEmpty()) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * A temporary key folder with a new EC P-384 private JWK in each named file, and {@code public.jwk}
     * holding a public key alone.
     */
    static Path keyFolder(String... names) {
        try {
            Path dir = Files.createTempDirectory("portico-pull-keys-");
            for (String name : names) {
                Files.writeString(dir.resolve(name), new ECKeyGenerator(Curve.P_384).keyIDFromThumbprint(true).generate().toJSONString());
            }
            Files.writeString(dir.resolve("public.jwk"),
                    new ECKeyGenerator(Curve.P_384).keyIDFromThumbprint(true).generate().toPublicJWK().toJSONString());
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
