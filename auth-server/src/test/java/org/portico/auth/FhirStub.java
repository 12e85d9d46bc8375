package org.portico.auth;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the fhir-server's {@code AuditEvent} search, on a random loopback port, for the
 * launch ITs' Spring context ({@code portico.auth.fhir-internal-url}, see {@link LaunchITSupport}):
 * it records each call and answers {@link #status}; with 200 the test resource
 * {@code audit/search-bundle.json}, a search result in the fhir-server's BALP shape whose user agent
 * {@code SUB-ALICE} is replaced by the caller's token {@code sub}. Patient reads and searches
 * ({@code family}, {@code given}, {@code birthdate}, {@code identifier}; as the fhir-server, names match
 * by case-insensitive prefix) answer from {@link #PATIENTS}, which a test fills. One per test JVM,
 * stopped at exit.
 */
final class FhirStub {

    record Call(URI uri, String authorization) {
        Map<String, String> query() {
            Map<String, String> q = new LinkedHashMap<>();
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                q.merge(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), (a, b) -> a + "," + b);
            }
            return q;
        }

        SignedJWT token() throws Exception {
            return SignedJWT.parse(authorization.substring("Bearer ".length()));
        }
    }

    static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    /** A resource written with PUT (the proxy-relationship mirror): its path, e.g. {@code /fhir/Consent/proxy-1}, and body. */
    record Write(String path, String authorization, Map<String, Object> resource) {}
    static final List<Write> WRITES = new CopyOnWriteArrayList<>();
    static volatile int status = 200;
    /** The Patient resources (FHIR JSON) that {@code Patient} reads and searches answer from, by id. */
    static final Map<String, Map<String, Object>> PATIENTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static HttpServer server;

    private FhirStub() {}

    static void reset() {
        CALLS.clear();
        WRITES.clear();
        status = 200;
    }

    /** The stub's FHIR base URL, starting it on first use. */
    static synchronized String baseUrl() {
        if (server == null) {
            server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    private static HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/fhir/", exchange -> {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (!"PUT".equals(exchange.getRequestMethod())) {
                    CALLS.add(new Call(exchange.getRequestURI(), authorization));
                }
                int answer = status;
                byte[] body;
                String path = exchange.getRequestURI().getPath();
                if ("PUT".equals(exchange.getRequestMethod())) {
                    byte[] sent;
                    try (InputStream in = exchange.getRequestBody()) {
                        sent = in.readAllBytes();
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> resource = JSON.readValue(sent, Map.class);
                    WRITES.add(new Write(path, authorization, resource));
                    answer = answer == 200 ? 201 : answer;
                    body = sent;
                } else if (answer == 200 && (path.equals("/fhir/Patient") || path.startsWith("/fhir/Patient/"))) {
                    Object result = patients(exchange.getRequestURI());
                    answer = result == null ? 404 : 200;
                    body = JSON.writeValueAsBytes(result == null ? Map.of("resourceType", "OperationOutcome") : result);
                } else if (answer == 200) {
                    try (InputStream in = FhirStub.class.getResourceAsStream("/audit/search-bundle.json")) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SUB-ALICE", subjectOf(authorization))
                                .getBytes(StandardCharsets.UTF_8);
                    }
                } else {
                    body = "{\"resourceType\":\"OperationOutcome\"}".getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
                exchange.sendResponseHeaders(answer, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Patient read (null when unknown) or a search Bundle. */
    private static Object patients(URI uri) {
        String path = uri.getPath();
        if (path.startsWith("/fhir/Patient/")) {
            return PATIENTS.get(path.substring("/fhir/Patient/".length()));
        }
        Map<String, String> query = new Call(uri, null).query();
        List<Map<String, Object>> entries = PATIENTS.values().stream()
                .filter(p -> matches(p, query))
                .map(p -> Map.<String, Object>of("resource", p))
                .toList();
        return Map.of("resourceType", "Bundle", "type", "searchset", "total", entries.size(), "entry", entries);
    }

    @SuppressWarnings("unchecked")
    private static boolean matches(Map<String, Object> patient, Map<String, String> query) {
        List<Map<String, Object>> names = (List<Map<String, Object>>) patient.getOrDefault("name", List.of());
        for (Map.Entry<String, String> q : query.entrySet()) {
            String wanted = q.getValue().toLowerCase(java.util.Locale.ROOT);
            boolean ok = switch (q.getKey()) {
                case "family" -> names.stream().anyMatch(n -> String.valueOf(n.get("family")).toLowerCase(java.util.Locale.ROOT).startsWith(wanted));
                case "given" -> names.stream().flatMap(n -> ((List<String>) n.getOrDefault("given", List.of())).stream())
                        .anyMatch(g -> g.toLowerCase(java.util.Locale.ROOT).startsWith(wanted));
                case "birthdate" -> wanted.equals(patient.get("birthDate"));
                case "identifier" -> ((List<Map<String, Object>>) patient.getOrDefault("identifier", List.of())).stream()
                        .anyMatch(i -> wanted.equalsIgnoreCase(String.valueOf(i.get("value"))));
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String subjectOf(String authorization) {
        try {
            return SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet().getSubject();
        } catch (Exception e) {
            return "no-subject";
        }
    }
}
