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
 * {@code SUB-ALICE} is replaced by the caller's token {@code sub}. One per test JVM, stopped at exit.
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
    static volatile int status = 200;
    private static HttpServer server;

    private FhirStub() {}

    static void reset() {
        CALLS.clear();
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
                CALLS.add(new Call(exchange.getRequestURI(), authorization));
                int answer = status;
                byte[] body;
                if (answer == 200) {
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

    private static String subjectOf(String authorization) {
        try {
            return SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet().getSubject();
        } catch (Exception e) {
            return "no-subject";
        }
    }
}
