package org.portico.conformance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Portico against a stock HAPI FHIR JPA server (issue 7): for each data size, both servers are started
 * on the same PostgreSQL ({@link Contender}), loaded with the same generated data ({@link SyntheticData})
 * through the same transaction bundles, and driven with the same workloads, interleaved (each round
 * runs both sides back to back, the order alternating). Prints per workload the cold figure (the first
 * measurement after start and load), the warm median and min-max of each side, the ratio
 * Portico/baseline (the median of the rounds' back-to-back ratios), and the server CPU per unit.
 *
 * <p>Run with {@code bin/bench baseline}. System properties: {@code bench.sizes} (100,1000 patients),
 * {@code bench.seed} (42), {@code bench.threads} (16), {@code bench.sync-threads} (4),
 * {@code bench.seconds} (5 per measurement), {@code bench.rounds} (3), {@code bench.warmup} (6 s per
 * side and workload), {@code bench.logins} (20 patients with a login and a token), {@code bench.only}
 * (workload names by prefix, comma-separated), {@code bench.ingest-validation} (the ingest pipeline's
 * source's validation mode), {@code bench.java} and {@code bench.jvm-options} (the
 * servers' JVM, both sides alike; default this JVM, {@code -Xmx1g}). Any failed operation is counted
 * and printed: a figure with failures is not a result.
 */
public final class PorticoVsHapiBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> DIRECTORY_TYPES = List.of("Practitioner/", "Organization/", "Location/");

    private final SyntheticData data;
    private final Map<Contender, AtomicInteger> ingested = new java.util.concurrent.ConcurrentHashMap<>();
    /** The patients whose apps the read, search and patient-sync workloads play (they have a Portico login). */
    private volatile List<String> loggedIn = List.of();
    /** The patients loaded so far (into both servers). */
    private int loaded;

    /** A workload: what one operation is, in which unit it counts, with how many clients; Portico-only when the baseline has no such thing. */
    private record Workload(String name, String unit, int threads, boolean porticoOnly, Op op) {}

    @FunctionalInterface
    private interface Op {
        long perform(Contender c, SplittableRandom random) throws Exception;
    }

    /** The figures of one workload at one size. */
    private record Result(Workload workload, LoadRun.Sample coldPortico, LoadRun.Sample coldBaseline,
                          List<LoadRun.Sample> portico, List<LoadRun.Sample> baseline) {}

    private PorticoVsHapiBenchmark(SyntheticData data) {
        this.data = data;
    }

    /** {@code logins} patients spread evenly over the first {@code size}. */
    private static List<String> spread(int size, int logins) {
        int n = Math.min(logins, size);
        return IntStream.range(0, n).mapToObj(i -> SyntheticData.patientId((int) ((long) i * size / n))).toList();
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.sizes", "100,1000").split(","))
                .map(String::trim).map(Integer::parseInt).sorted().distinct().toList();
        long seed = Long.getLong("bench.seed", 42);
        int threads = Integer.getInteger("bench.threads", 16);
        int syncThreads = Integer.getInteger("bench.sync-threads", 4);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "6"));
        int loginCount = Integer.getInteger("bench.logins", 20);
        List<String> only = Arrays.stream(System.getProperty("bench.only", "").split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).toList();
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Contender.Setup setup = new Contender.Setup(root, root.resolve("conformance/target/bench-logs"),
                Path.of(System.getProperty("bench.java", Path.of(System.getProperty("java.home"), "bin", "java").toString())),
                Arrays.stream(System.getProperty("bench.jvm-options", "-Xmx1g").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                env("PORTICO_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"), env("PORTICO_TEST_DB_USER", "postgres"),
                System.getenv("PORTICO_TEST_DB_PASSWORD"), Duration.ofMinutes(10));

        System.out.printf(Locale.ROOT, "%nPortico vs stock HAPI FHIR %s JPA: sizes %s patients, seed %d, %d clients (patient-sync %d),"
                        + " %d rounds of %.0f s, warm-up %.0f s per side and workload; servers: %s %s; load generator Java %s; %d CPUs%n",
                ca.uhn.fhir.util.VersionUtil.getVersion(), sizes, seed, threads, syncThreads, rounds, seconds, warmup,
                setup.java(), String.join(" ", setup.jvmOptions()), Runtime.version(), Runtime.getRuntime().availableProcessors());
        List<String> summary = new ArrayList<>();
        int largest = sizes.get(sizes.size() - 1);
        SyntheticData data = new SyntheticData(seed, largest);
        PorticoVsHapiBenchmark bench = new PorticoVsHapiBenchmark(data);
        List<Workload> workloads = bench.workloads(threads, syncThreads).stream()
                .filter(w -> only.isEmpty() || only.stream().anyMatch(w.name()::startsWith)).toList();
        List<String> logins = sizes.stream().flatMap(size -> spread(size, loginCount).stream()).distinct().toList();
        // one server pair for all sizes, the smallest first: the larger data set is the smaller one plus more patients
        try (Contender baseline = Contender.baseline(setup); Contender portico = Contender.portico(setup, logins)) {
            System.out.printf(Locale.ROOT, "%nstart-up on a fresh database (launch to /metadata 200): Portico fhir-server %.1f s"
                            + " (its auth-server starting alongside), HAPI %.1f s (started first)%n"
                            + "resident memory after start: %s%n",
                    portico.startupTime().toMillis() / 1e3, baseline.startupTime().toMillis() / 1e3, memory(portico, baseline, false));
            for (int size : sizes) {
                double loadedHapi = bench.load(baseline, size);
                double loadedPortico = bench.load(portico, size);
                bench.loaded = size;
                bench.loggedIn = spread(size, loginCount);
                portico.signIn(bench.loggedIn);
                System.out.printf(Locale.ROOT, "%n== %,d patients, %,d resources + %d directory entries; the apps of %d of them ==%n",
                        size, IntStream.range(0, size).map(i -> data.plan(i).resources()).sum(), data.directoryResources(),
                        bench.loggedIn.size());
                System.out.printf(Locale.ROOT, "data load to this size (one transaction bundle per patient, 4 clients): Portico %.0f"
                        + " resources/s, HAPI %.0f resources/s%n", loadedPortico, loadedHapi);
                List<Result> results = bench.measure(workloads, portico, baseline, seconds, rounds, warmup, seed + size,
                        size == sizes.get(0));
                String table = table(results);
                System.out.println(table);
                System.out.printf(Locale.ROOT, "resident memory now (peak): %s%n", memory(portico, baseline, true));
                summary.add(String.format(Locale.ROOT, "%,d patients%n%s", size, table));
            }
        }
        if (sizes.size() > 1) {
            System.out.printf(Locale.ROOT, "%n== all sizes ==%n");
            summary.forEach(System.out::println);
        }
        System.out.printf(Locale.ROOT, "ratio = Portico/HAPI (throughput; for ms/patient HAPI/Portico, so above 1 is Portico"
                + " faster), the median of each round's back-to-back pair; cold = the first %.0f s measurement after start and the first load (smallest size only);"
                + "%nCPU us/unit = server JVM (all threads) + its PostgreSQL backends, per unit. Searches send Cache-Control:"
                + " no-cache (no reuse of earlier results) to both.%n", seconds);
        System.exit(0);
    }

    private List<Workload> workloads(int threads, int syncThreads) {
        return List.of(
                new Workload("read Patient/{id}", "req/s", threads, false,
                        (c, r) -> {
                            String p = patient(r);
                            return get(c, "Patient/" + p, c.patientAuthorization(p), false);
                        }),
                new Workload("read Observation/{id}", "req/s", threads, false, (c, r) -> {
                    String p = patient(r);
                    int k = r.nextInt(data.plan(index(p)).observations());
                    return get(c, "Observation/" + SyntheticData.observationId(index(p), k), c.patientAuthorization(p), false);
                }),
                new Workload("search Observation?patient&category", "req/s", threads, false, (c, r) -> {
                    String p = patient(r);
                    return get(c, "Observation?patient=" + p + "&category=" + (r.nextBoolean() ? "laboratory" : "vital-signs"),
                            c.patientAuthorization(p), true);
                }),
                new Workload("search Condition?patient", "req/s", threads, false, (c, r) -> {
                    String p = patient(r);
                    return get(c, "Condition?patient=" + p, c.patientAuthorization(p), true);
                }),
                new Workload("search MedicationRequest?patient&intent", "req/s", threads, false, (c, r) -> {
                    String p = patient(r);
                    return get(c, "MedicationRequest?patient=" + p + "&intent=order,plan", c.patientAuthorization(p), true);
                }),
                new Workload("patient-sync", "patients/s", syncThreads, false, (c, r) -> sync(c, patient(r))),
                new Workload("ingest, 1 client", "resources/s", 1, false, this::ingest),
                new Workload("ingest, 4 clients", "resources/s", 4, false, this::ingest),
                new Workload("ingest pipeline, 1 client", "resources/s", 1, false, this::ingestPipeline),
                new Workload("ingest pipeline, 4 clients", "resources/s", 4, false, this::ingestPipeline),
                new Workload("token client_credentials", "grants/s", threads, true, PorticoVsHapiBenchmark::grant));
    }

    /** Cold figures (one measurement per side and workload, before any warm-up) only when {@code cold}. */
    private List<Result> measure(List<Workload> workloads, Contender portico, Contender baseline, double seconds, int rounds,
            double warmup, long seed, boolean cold) throws InterruptedException {
        List<LoadRun.Sample[]> colds = new ArrayList<>();
        for (int i = 0; i < workloads.size(); i++) {
            if (!cold) {
                colds.add(new LoadRun.Sample[2]);
                continue;
            }
            Workload w = workloads.get(i);
            LoadRun.Sample[] pair = new LoadRun.Sample[2];
            for (int side : i % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                pair[side] = side == 0 ? run(w, portico, seconds, seed) : run(w, baseline, seconds, seed);
            }
            colds.add(pair);
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            run(w, portico, warmup, seed + 1);
            run(w, baseline, warmup, seed + 1);
            List<LoadRun.Sample> p = new ArrayList<>();
            List<LoadRun.Sample> b = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                long roundSeed = seed + 2 + round;
                if (round % 2 == 0) {
                    p.add(run(w, portico, seconds, roundSeed));
                    b.add(run(w, baseline, seconds, roundSeed));
                } else {
                    b.add(run(w, baseline, seconds, roundSeed));
                    p.add(run(w, portico, seconds, roundSeed));
                }
            }
            results.add(new Result(w, colds.get(i)[0], colds.get(i)[1], p, b));
            System.out.printf(Locale.ROOT, "  measured %s%n", w.name());
        }
        return results;
    }

    /** Null for the baseline side of a Portico-only workload. */
    private LoadRun.Sample run(Workload w, Contender c, double seconds, long seed) throws InterruptedException {
        if (w.porticoOnly() && c.tokenGrants() == null) {
            return null;
        }
        return LoadRun.run(random -> w.op().perform(c, random), w.threads(), seconds, seed, c.cpu());
    }

    // ---- operations ----

    private String patient(SplittableRandom r) {
        return loggedIn.get(r.nextInt(loggedIn.size()));
    }

    private static int index(String patientId) {
        return Integer.parseInt(patientId.substring(2));
    }

    /** GET, 200 or an exception; 1 request. */
    private static long get(Contender c, String path, String authorization, boolean noCache) throws Exception {
        fetch(c, c.fhirBase() + "/" + path, authorization, noCache);
        return 1;
    }

    private static String fetch(Contender c, String url, String authorization, boolean noCache) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/fhir+json").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (noCache) {
            request.header("Cache-Control", "no-cache");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url.replace(c.fhirBase().toString(), "") + " -> " + response.statusCode()
                    + " " + abbreviate(response.body()));
        }
        return response.body();
    }

    /**
     * What a patient app does on first connect: the Patient, every search of the data set's US Core
     * types for the patient (following {@code next} links), then a read of each Practitioner,
     * Organization and Location the results refer to. 1 patient.
     */
    private long sync(Contender c, String patient) throws Exception {
        String auth = c.patientAuthorization(patient);
        Set<String> referenced = new LinkedHashSet<>();
        collectReferences(JSON.readTree(fetch(c, c.fhirBase() + "/Patient/" + patient, auth, false)), referenced);
        for (String search : List.of("Observation?patient=%s&category=laboratory", "Observation?patient=%s&category=vital-signs",
                "Condition?patient=%s", "MedicationRequest?patient=%s&intent=order,plan", "Encounter?patient=%s")) {
            String url = c.fhirBase() + "/" + String.format(Locale.ROOT, search, patient);
            while (url != null) {
                JsonNode bundle = JSON.readTree(fetch(c, url, auth, true));
                collectReferences(bundle, referenced);
                url = null;
                for (JsonNode link : bundle.path("link")) {
                    if ("next".equals(link.path("relation").asText())) {
                        url = link.path("url").asText();
                    }
                }
            }
        }
        for (String reference : referenced) {
            fetch(c, c.fhirBase() + "/" + reference, auth, false);
        }
        return 1;
    }

    private static void collectReferences(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            JsonNode reference = node.get("reference");
            if (reference != null && reference.isTextual() && DIRECTORY_TYPES.stream().anyMatch(reference.asText()::startsWith)) {
                into.add(reference.asText());
            }
            node.forEach(child -> collectReferences(child, into));
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, into));
        }
    }

    /** One 50-resource transaction of a new patient; both sides get the same patients in the same order. */
    private long ingest(Contender c, SplittableRandom random) throws Exception {
        int number = ingested.computeIfAbsent(c, k -> new AtomicInteger()).getAndIncrement();
        post(c, data.ingestBundle(number));
        return SyntheticData.INGEST_BUNDLE_RESOURCES;
    }

    /**
     * The same kind of bundle through Portico's ingest pipeline ({@code $ingest} as a registered source:
     * patient matching, {@code meta.source}, a Provenance per unit, security labels, idempotence), against
     * the baseline's plain transaction: issue 5's comparison.
     */
    private long ingestPipeline(Contender c, SplittableRandom random) throws Exception {
        int number = ingested.computeIfAbsent(c, k -> new AtomicInteger()).getAndIncrement();
        if (c.writeAuthorization() == null) {
            post(c, data.ingestBundle(number));
        } else {
            registerSource(c);
            post(c, URI.create(c.fhirBase() + "/$ingest"), data.ingestBundle(number));
        }
        return SyntheticData.INGEST_BUNDLE_RESOURCES;
    }

    private final java.util.Set<Contender> sources = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The pipeline's source's US Core validation ({@code bench.ingest-validation}: off, accept-with-warnings, reject; default the server's). */
    private static final String VALIDATION = System.getProperty("bench.ingest-validation");

    private synchronized void registerSource(Contender c) throws Exception {
        if (sources.contains(c)) {
            return;
        }
        String parameters = """
                {"resourceType": "Parameters", "parameter": [
                  {"name": "name", "valueString": "Benchmark EHR"},
                  {"name": "uri", "valueUri": "https://ehr.bench.example.org/fhir"},
                  {"name": "client-id", "valueString": "%s"},
                  {"name": "record-id-system", "valueUri": "https://ehr.bench.example.org/id"},
                  {"name": "mrn-system", "valueUri": "urn:oid:2.16.840.1.113883.4.3.25"}%s]}
                """.formatted(Contender.INGEST_CLIENT, VALIDATION == null ? ""
                        : ", {\"name\": \"validation\", \"valueCode\": \"" + VALIDATION + "\"}");
        post(c, URI.create(c.fhirBase() + "/$register-source"), parameters);
        // the source's own directory first: a unit may refer only to what it holds or the source sent before
        post(c, URI.create(c.fhirBase() + "/$ingest"), data.directoryBundle());
        sources.add(c);
    }

    private static void post(Contender c, String bundle) throws Exception {
        post(c, c.fhirBase(), bundle);
    }

    private static void post(Contender c, URI target, String bundle) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(120))
                .header("Accept", "application/fhir+json").header("Content-Type", "application/fhir+json")
                .header("Prefer", "return=minimal")
                .POST(HttpRequest.BodyPublishers.ofString(bundle));
        if (c.writeAuthorization() != null) {
            request.header("Authorization", c.writeAuthorization());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(target + " -> " + response.statusCode() + " " + abbreviate(response.body()));
        }
    }

    /** One client_credentials grant with a fresh private_key_jwt assertion (Portico's auth-server). */
    private static long grant(Contender c, SplittableRandom random) throws Exception {
        Contender.TokenGrants grants = c.tokenGrants();
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", grants.scope());
        List<String> headers = new ArrayList<>();
        grants.client().apply(grants.tokenEndpoint(), form, headers);
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(grants.tokenEndpoint()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token -> " + response.statusCode() + " " + abbreviate(response.body()));
        }
        return 1;
    }

    /** The directory bundle (the first time), then the bundles of the patients up to {@code size}, 4 clients; resources per second. */
    private double load(Contender c, int size) throws Exception {
        long start = System.nanoTime();
        long resources = 0;
        if (loaded == 0) {
            post(c, data.directoryBundle());
            resources += data.directoryResources();
        }
        AtomicInteger next = new AtomicInteger(loaded);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(clients.submit(() -> {
                    long posted = 0;
                    for (int i = next.getAndIncrement(); i < size; i = next.getAndIncrement()) {
                        post(c, data.patientBundle(i));
                        posted += data.plan(i).resources();
                    }
                    return posted;
                }));
            }
            for (Future<Long> f : done) {
                resources += f.get();
            }
            return resources / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.shutdownNow();
        }
    }

    // ---- the table ----

    private static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-40s %-12s %17s %24s %24s %6s %16s%n", "workload", "unit",
                "cold Portico/HAPI", "warm Portico (min-max)", "warm HAPI (min-max)", "ratio", "CPU us/unit P/H"));
        for (Result r : results) {
            boolean both = r.baseline().stream().allMatch(s -> s != null);
            long errors = errors(r.portico()) + (both ? errors(r.baseline()) : 0) + errors(r.coldPortico())
                    + errors(r.coldBaseline());
            String note = errors == 0 ? "" : "  (" + errors + " failed: not a result; first: " + firstError(r) + ")";
            out.append(String.format(Locale.ROOT, "%-40s %-12s %17s %24s %24s %6s %16s%s%n", r.workload().name(), r.workload().unit(),
                    r.coldPortico() == null ? "" : format(r.coldPortico()) + " / " + (r.coldBaseline() == null ? "-" : format(r.coldBaseline())),
                    summary(r.portico(), LoadRun.Sample::perSecond),
                    both ? summary(r.baseline(), LoadRun.Sample::perSecond) : "-",
                    both ? String.format(Locale.ROOT, "%.2f", paired(r.portico(), r.baseline(), (p, b) -> p.perSecond() / b.perSecond())) : "-",
                    // a Portico-only workload runs on the auth-server, whose CPU is not tracked
                    !both ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", median(r.portico(), LoadRun.Sample::cpuMicrosPerUnit),
                            median(r.baseline(), LoadRun.Sample::cpuMicrosPerUnit)),
                    note));
            if (r.workload().name().equals("patient-sync")) {
                double p = median(r.portico(), LoadRun.Sample::millisPerOperation);
                double b = median(r.baseline(), LoadRun.Sample::millisPerOperation);
                out.append(String.format(Locale.ROOT, "%-40s %-12s %17s %24s %24s %6.2f%n", "patient-sync, time per patient", "ms",
                        r.coldPortico() == null ? "" : format(r.coldPortico().millisPerOperation()) + " / "
                                + format(r.coldBaseline().millisPerOperation()),
                        String.format(Locale.ROOT, "%.0f", p), String.format(Locale.ROOT, "%.0f", b),
                        paired(r.portico(), r.baseline(), (x, y) -> y.millisPerOperation() / x.millisPerOperation())));
            }
        }
        return out.toString();
    }

    private static String firstError(Result r) {
        List<LoadRun.Sample> all = new ArrayList<>(r.portico());
        all.addAll(r.baseline());
        all.add(r.coldPortico());
        all.add(r.coldBaseline());
        return all.stream().filter(s -> s != null && s.firstError() != null).map(LoadRun.Sample::firstError).findFirst().orElse("?");
    }

    private static long errors(List<LoadRun.Sample> samples) {
        return samples.stream().filter(s -> s != null).mapToLong(LoadRun.Sample::errors).sum();
    }

    private static long errors(LoadRun.Sample sample) {
        return sample == null ? 0 : sample.errors();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value >= 10 ? "%.0f" : "%.1f", value);
    }

    private static String format(LoadRun.Sample sample) {
        return format(sample.perSecond());
    }

    private static String summary(List<LoadRun.Sample> samples, ToDoubleFunction<LoadRun.Sample> value) {
        double min = samples.stream().mapToDouble(value).min().orElse(0);
        double max = samples.stream().mapToDouble(value).max().orElse(0);
        return format(median(samples, value)) + " (" + format(min) + "-" + format(max) + ")";
    }

    /** The median over rounds of a ratio between the two sides of the same round, which ran back to back. */
    private static double paired(List<LoadRun.Sample> portico, List<LoadRun.Sample> baseline,
            java.util.function.ToDoubleBiFunction<LoadRun.Sample, LoadRun.Sample> ratio) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < portico.size(); i++) {
            ratios.add(ratio.applyAsDouble(portico.get(i), baseline.get(i)));
        }
        return medianOf(ratios);
    }

    private static double median(List<LoadRun.Sample> samples, ToDoubleFunction<LoadRun.Sample> value) {
        return medianOf(samples.stream().map(s -> value.applyAsDouble(s)).toList());
    }

    private static double medianOf(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n == 0 ? 0 : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String memory(Contender portico, Contender baseline, boolean peak) {
        return String.format(Locale.ROOT, "Portico fhir-server %d MiB, HAPI %d MiB", portico.cpu().residentMib(peak),
                baseline.cpu().residentMib(peak));
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
