package org.portico.fhir.bench;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.portico.fhir.FhirServerApplication;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestPatients;
import org.portico.fhir.TestPatients.TestPatient;
import org.portico.fhir.audit.AuditLog;
import org.portico.fhir.config.ParsedResourceCache;
import org.portico.fhir.security.TestTokens;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What Portico's security costs on the FHIR API: the same requests against {@code /fhir} (Bearer
 * token, scope enforcement, compartment narrowing, audit, everything on) and {@code /open} (the same
 * server, providers, database and caches with no Portico interceptor, see {@link OpenEndpoint}), in
 * one JVM on a fresh PostgreSQL database with the demo data, interleaved, several rounds. Prints per
 * workload the median requests/s of each side, min-max, and the ratio secured/open (the median of the
 * ratios of each round's back-to-back pair), and the same for server CPU per request.
 *
 * <p>Run with {@code bin/bench enforcement}. System properties: {@code bench.threads} (16),
 * {@code bench.seconds} (10 per measurement), {@code bench.rounds} (3), {@code bench.warmup} (30 s
 * per side and workload), {@code bench.only} (workload names to run, by prefix, comma-separated:
 * {@code "read Patient,search Obs"}), {@code bench.compare} ({@code open}: secured against open;
 * {@code parse-cache}: secured with the parsed-resource cache against secured without it, see
 * {@link ParsedResourceCache}). Any non-200 answer is counted and printed; a run with errors is not a result.
 */
public final class EnforcementBenchmark {

    private static ServerCpu cpu;

    private record Workload(String name, String path) {}

    /** One side of a comparison: a FHIR base, the token it is called with (or none), what to set before it runs. */
    private record Side(String label, String base, String token, Runnable before) {
        Sample run(HttpClient http, Workload w, int threads, int seconds) throws InterruptedException {
            before.run();
            return EnforcementBenchmark.run(http, base + w.path(), token, threads, seconds);
        }
    }

    /** Requests/s, non-200 answers, and server CPU (JVM request threads + PostgreSQL backends) per request. */
    private record Sample(double perSecond, long errors, double jvmMicros, double postgresMicros) {
        double cpuMicros() {
            return jvmMicros + postgresMicros;
        }
    }


    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("bench.threads", 16);
        int seconds = Integer.getInteger("bench.seconds", 10);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int warmup = Integer.getInteger("bench.warmup", 30);
        List<String> only = Arrays.stream(System.getProperty("bench.only", "").split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).toList();
        TestTokens tokens = new TestTokens();
        PostgresTestDatabase db = PostgresTestDatabase.get();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(FhirServerApplication.class, OpenEndpoint.class)
                .run(
                        "--server.port=0",
                        "--portico.fhir.db.url=" + db.url(),
                        "--portico.fhir.db.username=" + db.user(),
                        "--portico.fhir.db.password=" + db.password(),
                        "--portico.fhir.db.max-pool-size=" + Math.max(10, threads + 4),
                        "--portico.fhir.base-url=" + TestTokens.FHIR_BASE,
                        "--portico.fhir.auth.issuer=" + TestTokens.ISSUER,
                        "--portico.fhir.auth.jwks-uri=" + tokens.jwksUri(),
                        "--portico.fhir.auth.revocation-feed-uri=" + tokens.revocationFeedUri(),
                        "--portico.fhir.demo-dir=" + System.getProperty("bench.demo-dir", "demo/fhir"),
                        "--server.tomcat.threads.max=" + Math.max(32, threads * 2),
                        "--logging.level.root=WARN");
        try {
            int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
            TestPatient patient = TestPatients.withObservationsAndConditions(app.getBean(DaoRegistry.class)).get(0);
            // valid for the whole run (a real app refreshes; the test default of 5 minutes is shorter than a run)
            String token = tokens.sign(tokens.claims(patient.id(), "launch/patient openid fhirUser patient/*.rs")
                    .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2)))).build());
            List<Workload> workloads = List.of(
                    new Workload("read Patient", "/Patient/" + patient.id()),
                    new Workload("read Observation", "/Observation/" + patient.observationIds().get(0)),
                    new Workload("search Observation?patient&category", "/Observation?patient=" + patient.id() + "&category=laboratory"),
                    new Workload("search Condition?patient", "/Condition?patient=" + patient.id()))
                    .stream().filter(w -> only.isEmpty() || only.stream().anyMatch(w.name()::startsWith)).toList();
            String secured = "http://127.0.0.1:" + port + "/fhir";
            String open = "http://127.0.0.1:" + port + OpenEndpoint.PATH;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ParsedResourceCache parseCache = app.getBean(ParsedResourceCache.class);
            // side A against side B: secured against open (what security costs), or, with
            // -Dbench.compare=parse-cache, secured with the parsed-resource cache against secured without it
            boolean cacheRun = "parse-cache".equals(System.getProperty("bench.compare", "open"));
            Side sideA = cacheRun
                    ? new Side("cache on", secured, token, () -> parseCache.bypass(false))
                    : new Side("secured", secured, token, () -> parseCache.bypass(false));
            Side sideB = cacheRun
                    ? new Side("cache off", secured, token, () -> parseCache.bypass(true))
                    : new Side("open", open, null, () -> parseCache.bypass(false));

            System.out.printf(Locale.ROOT, "%nPortico enforcement benchmark: %d threads, %d rounds of %d s, warm-up %d s, Java %s, %d CPUs%n",
                    threads, rounds, seconds, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
            for (Workload w : workloads) {
                sideA.run(http, w, threads, warmup);
                sideB.run(http, w, threads, warmup);
            }
            cpu = new ServerCpu(app.getBean(DataSource.class), "http-nio-");
            System.out.printf(Locale.ROOT, "%n%-40s %22s %22s %6s %18s %6s%n", "workload", sideA.label() + " req/s (min-max)",
                    sideB.label() + " req/s (min-max)", "ratio", "CPU us/req A/B", "ratio");
            List<String> split = new ArrayList<>();
            for (Workload w : workloads) {
                List<Sample> s = new ArrayList<>();
                List<Sample> o = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        s.add(sideA.run(http, w, threads, seconds));
                        o.add(sideB.run(http, w, threads, seconds));
                    } else {
                        o.add(sideB.run(http, w, threads, seconds));
                        s.add(sideA.run(http, w, threads, seconds));
                    }
                }
                long errors = s.stream().mapToLong(Sample::errors).sum() + o.stream().mapToLong(Sample::errors).sum();
                double cpuSecured = medianCpu(s);
                double cpuOpen = medianCpu(o);
                split.add(String.format(Locale.ROOT, "%-40s %18s %18s", w.name(),
                        String.format(Locale.ROOT, "%.0f / %.0f", medianOf(s.stream().map(Sample::jvmMicros).toList()),
                                medianOf(o.stream().map(Sample::jvmMicros).toList())),
                        String.format(Locale.ROOT, "%.0f / %.0f", medianOf(s.stream().map(Sample::postgresMicros).toList()),
                                medianOf(o.stream().map(Sample::postgresMicros).toList()))));
                System.out.printf(Locale.ROOT, "%-40s %22s %22s %6.2f %18s %6.2f%s%n", w.name(), summary(s), summary(o),
                        paired(s, o, (a, b) -> a.perSecond() / b.perSecond()),
                        String.format(Locale.ROOT, "%.0f / %.0f", cpuSecured, cpuOpen), paired(s, o, (a, b) -> b.cpuMicros() / a.cpuMicros()),
                        errors == 0 ? "" : "  (" + errors + " non-200 answers: not a result)");
            }
            System.out.printf(Locale.ROOT, "%nA = %s, B = %s; parsed-resource cache: %s%n", sideA.label(), sideB.label(), parseCache.stats());
            System.out.printf(Locale.ROOT, "%nratio = A/B (secured/open) throughput, the median of each round's back-to-back pair (noisy"
                    + "%nwhen other processes share the CPUs: more, shorter rounds help, e.g. -Dbench.rounds=9 -Dbench.seconds=4);"
                    + "%nCPU us/req = CPU of Tomcat's threads + PostgreSQL backends per request, ratio = open/secured (what the"
                    + "%nthroughput ratio is on an otherwise idle CPU-bound machine). The audit trail is complete when a secured"
                    + "%nresponse is sent (ADR 0012): no background work is left out of these figures.%n");
            System.out.printf(Locale.ROOT, "%n%-40s %18s %18s%n", "CPU us/req, secured / open", "Tomcat threads", "PostgreSQL");
            split.forEach(System.out::println);
            if (!cpu.postgresVisible()) {
                System.out.println("PostgreSQL's backends are not visible in /proc: CPU figures are the JVM's alone.");
            }
            AuditLog.GroupCommits commits = app.getBean(AuditLog.class).groupCommits();
            System.out.printf(Locale.ROOT, "%naudit log: %d rows in %d group commits (%.1f rows per commit)%n",
                    commits.rows(), commits.commits(), commits.commits() == 0 ? 0.0 : (double) commits.rows() / commits.commits());
        } finally {
            app.close();
            tokens.close();
        }
        System.exit(0);
    }

    private static Sample run(HttpClient http, String url, String token, int threads, int seconds) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(threads);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json").GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long jvmBefore = cpu == null ? 0 : cpu.jvmNanos();
        long pgBefore = cpu == null ? 0 : cpu.postgresNanos();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 200) {
                            done.incrementAndGet();
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
        double elapsed = (System.nanoTime() - start) / 1e9;
        double jvmNanos = cpu == null ? 0 : cpu.jvmNanos() - jvmBefore;
        double pgNanos = cpu == null ? 0 : cpu.postgresNanos() - pgBefore;
        long requests = Math.max(1, done.get() + errors.get());
        return new Sample(done.get() / elapsed, errors.get(), jvmNanos / 1e3 / requests, pgNanos / 1e3 / requests);
    }

    /**
     * The median over rounds of a ratio between the secured and the open sample of the same round,
     * which ran back to back: background load that comes and goes hits both sides of a pair alike.
     */
    private static double paired(List<Sample> secured, List<Sample> open, java.util.function.ToDoubleBiFunction<Sample, Sample> ratio) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < secured.size(); i++) {
            ratios.add(ratio.applyAsDouble(secured.get(i), open.get(i)));
        }
        return medianOf(ratios);
    }

    private static double medianCpu(List<Sample> samples) {
        return medianOf(samples.stream().map(Sample::cpuMicros).toList());
    }

    private static double median(List<Sample> samples) {
        return medianOf(samples.stream().map(Sample::perSecond).toList());
    }

    private static double medianOf(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String summary(List<Sample> samples) {
        double min = samples.stream().mapToDouble(Sample::perSecond).min().orElse(0);
        double max = samples.stream().mapToDouble(Sample::perSecond).max().orElse(0);
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median(samples), min, max);
    }
}
