package org.portico.auth;

import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;
import static org.portico.auth.SmartTestClient.queryOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.portico.auth.demo.DemoDataLoader;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Token endpoint throughput on a fresh PostgreSQL database, in one JVM: {@code client_credentials}
 * grants with a {@code private_key_jwt} assertion (RS384, inline JWKS; every assertion with a fresh
 * {@code jti}, signed before the measurement so the load generator's signing is not counted), and
 * {@code refresh_token} grants of a public client (each thread rotates its own grant), against a
 * baseline in the same run: {@code GET /oauth2/jwks}, the cheapest endpoint of the same server.
 * Prints per workload the median grants/s, min-max over the rounds, and the ratio to the baseline.
 *
 * <p>Run with {@code bin/bench tokens}. System properties: {@code bench.threads} (8),
 * {@code bench.seconds} (10), {@code bench.rounds} (3), {@code bench.warmup} (15).
 */
public final class TokenEndpointBenchmark {

    private static final String ISSUER = "http://localhost:9000";
    private static final String FHIR_BASE = "http://fhir.bench/fhir";
    private static final String BACKEND = "bench-backend";
    private static final String PUBLIC = "it-public";
    private static final String REDIRECT = "https://app.example.org/callback";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Sample(double perSecond, long errors) {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("bench.threads", 8);
        int seconds = Integer.getInteger("bench.seconds", 10);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int warmup = Integer.getInteger("bench.warmup", 15);
        String demo = Path.of(TokenEndpointBenchmark.class.getResource("/it-demo.json").toURI()).toString();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(AuthServerApplication.class).run(
                "--server.port=0",
                "--portico.auth.db.url=" + TestDatabase.url(),
                "--portico.auth.db.user=" + TestDatabase.USER,
                "--portico.auth.db.password=" + TestDatabase.PASSWORD,
                "--portico.auth.issuer=" + ISSUER,
                "--portico.auth.fhir-base-url=" + FHIR_BASE,
                "--portico.auth.demo-file=" + demo,
                "--server.tomcat.threads.max=" + Math.max(32, threads * 2),
                "--logging.level.root=WARN");
        try {
            int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://127.0.0.1:" + port;
            RSAKey key = new RSAKeyGenerator(2048).keyID("bench-rs384").generate();
            registerBackend(app.getBean(DemoDataLoader.class), key);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            // one grant per thread for the refresh workload, each through login and consent
            String[] refreshTokens = new String[threads];
            for (int i = 0; i < threads; i++) {
                refreshTokens[i] = firstRefreshToken(port);
            }

            HttpRequest jwks = HttpRequest.newBuilder(URI.create(base + "/oauth2/jwks")).GET().build();
            IntFunction<HttpRequest> jwksRequest = t -> jwks;
            ConcurrentLinkedQueue<String> assertions = new ConcurrentLinkedQueue<>();
            IntFunction<HttpRequest> clientCredentials = t -> tokenRequest(base, "grant_type=client_credentials&scope="
                    + enc("system/*.rs") + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                    + "&client_assertion=" + enc(next(assertions, key)));
            IntFunction<HttpRequest> refresh = t -> tokenRequest(base, "grant_type=refresh_token&client_id=" + PUBLIC
                    + "&refresh_token=" + enc(refreshTokens[t]));
            ResponseHook rotate = (t, body) -> refreshTokens[t] = (String) json(body).get("refresh_token");

            System.out.printf(Locale.ROOT, "%nPortico token endpoint benchmark: %d threads, %d rounds of %d s, warm-up %d s, Java %s, %d CPUs%n",
                    threads, rounds, seconds, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
            fill(assertions, key, 2000);
            run(http, jwksRequest, null, threads, warmup);
            run(http, clientCredentials, null, threads, warmup);
            run(http, refresh, rotate, threads, warmup);

            List<Sample> baseline = new ArrayList<>();
            List<Sample> backend = new ArrayList<>();
            List<Sample> refreshed = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                baseline.add(run(http, jwksRequest, null, threads, seconds));
                fill(assertions, key, 6000);
                backend.add(run(http, clientCredentials, null, threads, seconds));
                refreshed.add(run(http, refresh, rotate, threads, seconds));
            }
            System.out.printf(Locale.ROOT, "%n%-52s %22s %10s%n", "workload (per second)", "median (min-max)", "vs JWKS");
            print("GET /oauth2/jwks (baseline)", baseline, baseline);
            print("client_credentials + private_key_jwt (RS384)", backend, baseline);
            print("refresh_token, public client, rotating", refreshed, baseline);
        } finally {
            app.close();
        }
        System.exit(0);
    }

    private interface ResponseHook {
        void accept(int thread, String body) throws Exception;
    }

    private static void registerBackend(DemoDataLoader loader, RSAKey key) throws Exception {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_id", BACKEND);
        client.put("client_name", "Benchmark backend");
        client.put("token_endpoint_auth_method", "private_key_jwt");
        client.put("grant_types", List.of("client_credentials"));
        client.put("scope", "system/*.rs");
        client.put("jwks", JSON.readValue(new JWKSet(key).toPublicJWKSet().toString(), Map.class));
        Path file = Files.createTempFile("portico-bench-client", ".json");
        Files.writeString(file, JSON.writeValueAsString(Map.of("clients", List.of(client))));
        loader.load(file);
        Files.delete(file);
    }

    private static String firstRefreshToken(int port) {
        SmartTestClient browser = new SmartTestClient(port);
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", PUBLIC);
        params.put("redirect_uri", REDIRECT);
        params.put("scope", "openid fhirUser launch/patient offline_access patient/*.rs");
        params.put("state", SmartTestClient.randomState());
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        browser.get(browser.authorizeUri(params));
        HttpResponse<String> approved = browser.approve(browser.followToConsent(browser.login("it-alice", "it-alice-password")), Set.of());
        String code = queryOf(URI.create(approved.headers().firstValue("Location").orElseThrow())).get("code");
        HttpResponse<String> token = browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "client_id", PUBLIC, "code_verifier", pkce.verifier()), Map.of());
        return (String) json(token.body()).get("refresh_token");
    }

    private static HttpRequest tokenRequest(String base, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void fill(ConcurrentLinkedQueue<String> assertions, RSAKey key, int count) {
        assertions.clear();
        for (int i = 0; i < count; i++) {
            assertions.add(sign(key));
        }
    }

    private static String next(ConcurrentLinkedQueue<String> assertions, RSAKey key) {
        String a = assertions.poll();
        return a != null ? a : sign(key); // pool ran dry: sign now (counted, but the run stays valid)
    }

    private static String sign(RSAKey key) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(BACKEND).subject(BACKEND)
                    .audience(ISSUER + "/oauth2/token").issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(4)))).jwtID(UUID.randomUUID().toString()).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Sample run(HttpClient http, IntFunction<HttpRequest> requests, ResponseHook hook, int threads, int seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(threads);
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        HttpResponse<String> response = http.send(requests.apply(thread), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            done.incrementAndGet();
                            if (hook != null) {
                                hook.accept(thread, response.body());
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        finished.await();
        return new Sample(done.get() / ((System.nanoTime() - start) / 1e9), errors.get());
    }

    private static double median(List<Sample> samples) {
        List<Double> v = new ArrayList<>(samples.stream().map(Sample::perSecond).toList());
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static void print(String name, List<Sample> samples, List<Sample> baseline) {
        double min = samples.stream().mapToDouble(Sample::perSecond).min().orElse(0);
        double max = samples.stream().mapToDouble(Sample::perSecond).max().orElse(0);
        long errors = samples.stream().mapToLong(Sample::errors).sum();
        System.out.printf(Locale.ROOT, "%-52s %22s %10.3f%s%n", name,
                String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median(samples), min, max), median(samples) / median(baseline),
                errors == 0 ? "" : "  (" + errors + " errors: not a result)");
    }
}
