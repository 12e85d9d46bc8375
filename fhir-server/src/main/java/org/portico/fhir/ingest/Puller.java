package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of a source (ADR 0022): the lease on the source, a run row that says {@code running}, the
 * export since the last completed run's {@code transactionTime}, the files downloaded, then their
 * resources stored through the same {@link Ingestor} as a push, in units of at most {@code unitLines}
 * resources, types that others refer to first. A unit rejected for a reference to data of a later unit
 * gets a second try at the end. The run completes (and its {@code transactionTime} becomes the next
 * {@code _since}) only when the source delivered everything without an error.
 */
public final class Puller {

    /** Types that other resources refer to come first, so that their references resolve. */
    private static final List<String> FIRST = List.of("Organization", "Location", "Practitioner", "PractitionerRole", "Patient",
            "Medication", "Device", "Specimen", "Encounter", "Condition", "Procedure", "Observation");
    /** Types that refer to many others come last. */
    private static final List<String> LAST = List.of("DiagnosticReport", "DocumentReference", "CarePlan", "CareTeam", "Goal",
            "ServiceRequest", "MedicationAdministration", "MedicationDispense", "ImagingStudy");
    private static final Set<String> ERROR_SEVERITIES = Set.of("error", "fatal");
    private static final int MAX_SOURCE_ERRORS = 50;
    private static final Logger log = LoggerFactory.getLogger(Puller.class);

    private final FhirContext fhir;
    private final SourceRegistry registry;
    private final PullSources pulls;
    private final PullKeys keys;
    private final BulkClient client;
    private final Ingestor ingestor;
    private final Clock clock;
    private final Duration timeout;
    private final Duration lease;
    private final int unitLines;
    private final ObjectMapper json = new ObjectMapper();

    public Puller(FhirContext fhir, SourceRegistry registry, PullSources pulls, PullKeys keys, BulkClient client, Ingestor ingestor,
            Clock clock, Duration timeout, Duration lease, int unitLines) {
        this.fhir = fhir;
        this.registry = registry;
        this.pulls = pulls;
        this.keys = keys;
        this.client = client;
        this.ingestor = ingestor;
        this.clock = clock;
        this.timeout = timeout;
        this.lease = lease;
        this.unitLines = unitLines;
    }

    /** Thrown when the source is not registered or has no pull configuration. */
    public static final class UnknownPull extends RuntimeException {
        UnknownPull(String message) {
            super(message);
        }
    }

    /**
     * Pulls the source now and answers the run's report, which is stored too; empty when a pull of the
     * source is running already (here or on another instance).
     */
    public Optional<PullReport> pull(String sourceId, String trigger) {
        Source source = registry.byId(sourceId).orElseThrow(() -> new UnknownPull("no source " + sourceId));
        PullSource pull = pulls.bySource(sourceId).orElseThrow(() -> new UnknownPull("the source " + sourceId + " has no pull configuration"));
        Instant now = clock.instant();
        if (!pulls.lease(sourceId, now, now.plus(lease))) {
            return Optional.empty();
        }
        try {
            pulls.abandonRunning(sourceId, now);
            Instant since = pulls.since(sourceId).orElse(null);
            Run run = new Run(UUID.randomUUID().toString(), source, pull, trigger, now, since);
            pulls.started(run.id, sourceId, trigger, now, since);
            PullReport report = run.execute();
            pulls.finished(report, report.toJson());
            log.info("pull finished: source={} run={} state={} created={} updated={} unchanged={} rejected={}", sourceId, run.id,
                    report.state().code(), report.created(), report.updated(), report.unchanged(), report.rejected());
            return Optional.of(report);
        } finally {
            pulls.release(sourceId);
        }
    }

    /** The state of one run. */
    private final class Run {
        private final String id;
        private final Source source;
        private final PullSource pull;
        private final String trigger;
        private final Instant started;
        private final Instant since;
        private final List<PullReport.FileReport> files = new ArrayList<>();
        private final List<PullReport.UnitReport> units = new ArrayList<>();
        private final List<String> sourceErrors = new ArrayList<>();
        private final List<List<IngestUnit.Line>> retries = new ArrayList<>();
        private Instant transactionTime;
        private boolean sourceFailed;
        private String storageFailure;

        Run(String id, Source source, PullSource pull, String trigger, Instant started, Instant since) {
            this.id = id;
            this.source = source;
            this.pull = pull;
            this.trigger = trigger;
            this.started = started;
            this.since = since;
        }

        PullReport execute() {
            Path dir = null;
            String error = null;
            try {
                PullKeys.SigningKey key = keys.load(pull.keyRef());
                BulkClient.Session session = client.session(pull, key);
                java.net.URI status = session.kickOff(since);
                BulkClient.Manifest manifest = session.poll(status, started.plus(timeout), this::renew);
                transactionTime = manifest.transactionTime();
                dir = Files.createTempDirectory("portico-pull-");
                readErrors(session, manifest, dir);
                List<Fetched> downloaded = download(session, manifest, dir);
                ingest(downloaded);
                session.delete(status);
                if (sourceFailed) {
                    error = "the source reported errors in its export (source-error)";
                } else if (storageFailure != null) {
                    error = storageFailure;
                }
            } catch (PullKeys.KeyException e) {
                error = "the pull key " + pull.keyRef() + ": " + e.getMessage();
            } catch (BulkClient.PullFailure e) {
                error = e.getMessage();
            } catch (IOException e) {
                error = "the files could not be kept for ingestion: " + e.getClass().getSimpleName();
            } catch (RuntimeException e) {
                log.warn("pull failed: source={} run={} error={}", source.id(), id, e.getClass().getName());
                error = "the pull failed: " + e.getClass().getSimpleName();
            } finally {
                delete(dir);
            }
            PullReport.State state = error == null ? PullReport.State.COMPLETED : PullReport.State.FAILED;
            return new PullReport(id, source.id(), state, trigger, started, clock.instant(), since, transactionTime, error, files, units,
                    sourceErrors);
        }

        private void renew() {
            pulls.renew(source.id(), clock.instant().plus(lease));
        }

        /** The issues of the manifest's error files; an error or fatal one fails the run. */
        private void readErrors(BulkClient.Session session, BulkClient.Manifest manifest, Path dir) throws BulkClient.PullFailure, IOException {
            int n = 0;
            for (BulkClient.Output file : manifest.error()) {
                Path target = dir.resolve("error-" + (++n) + ".ndjson");
                session.download(file, manifest.requiresAccessToken(), target);
                try (BufferedReader reader = Files.newBufferedReader(target, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isBlank()) {
                            issues(line);
                        }
                    }
                }
            }
        }

        private void issues(String line) {
            JsonNode outcome;
            try {
                outcome = json.readTree(line);
            } catch (IOException e) {
                sourceFailed = true;
                add("error: an unreadable line in an error file");
                return;
            }
            for (JsonNode issue : outcome.path("issue")) {
                String severity = issue.path("severity").asText("error").toLowerCase(Locale.ROOT);
                sourceFailed |= ERROR_SEVERITIES.contains(severity);
                String text = issue.path("diagnostics").asText(issue.path("details").path("text").asText(issue.path("code").asText("")));
                add(severity + ": " + BulkClient.shorten(text));
            }
        }

        private void add(String sourceError) {
            if (sourceErrors.size() < MAX_SOURCE_ERRORS) {
                sourceErrors.add(sourceError);
            }
        }

        /** The data files in the order they are ingested; the types Portico does not take are reported, not fetched. */
        private List<Fetched> download(BulkClient.Session session, BulkClient.Manifest manifest, Path dir) throws BulkClient.PullFailure {
            List<BulkClient.Output> ordered = manifest.output().stream().sorted(Comparator.comparingInt(o -> rank(o.type()))).toList();
            List<Fetched> result = new ArrayList<>();
            int n = 0;
            for (BulkClient.Output file : ordered) {
                if (!ingestor.ingestible(file.type())) {
                    files.add(new PullReport.FileReport(file.type(), BulkClient.withoutQuery(file.url()), 0,
                            file.type() + " resources are not ingested"));
                    continue;
                }
                Path target = dir.resolve("output-" + (++n) + ".ndjson");
                session.download(file, manifest.requiresAccessToken(), target);
                renew();
                result.add(new Fetched(file, target));
            }
            return result;
        }

        private void ingest(List<Fetched> downloaded) throws IOException {
            List<IngestUnit.Line> pending = new ArrayList<>();
            Map<String, Integer> fileOfType = new HashMap<>();
            for (Fetched fetched : downloaded) {
                Path path = fetched.path();
                BulkClient.Output output = fetched.output();
                int index = fileOfType.merge(output.type(), 1, Integer::sum);
                long lines = 0;
                try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    String line;
                    long number = 0;
                    while ((line = reader.readLine()) != null) {
                        number++;
                        if (line.isBlank()) {
                            continue;
                        }
                        lines++;
                        pending.add(new IngestUnit.Line(output.type() + " file " + index + " line " + number, line));
                        if (pending.size() >= unitLines) {
                            store(pending, true);
                            pending = new ArrayList<>();
                        }
                    }
                }
                files.add(new PullReport.FileReport(output.type(), BulkClient.withoutQuery(output.url()), lines, null));
            }
            if (!pending.isEmpty()) {
                store(pending, true);
            }
            // a unit may refer to data that came in a later unit: one more try, once everything else is stored
            List<List<IngestUnit.Line>> again = List.copyOf(retries);
            retries.clear();
            for (List<IngestUnit.Line> lines : again) {
                store(lines, false);
            }
        }

        private void store(List<IngestUnit.Line> lines, boolean firstTry) {
            IngestUnit unit = IngestUnit.ofLines(fhir, lines);
            String first = lines.get(0).label();
            String last = lines.get(lines.size() - 1).label();
            try {
                IngestReport report = ingestor.ingest(source, unit);
                Map<IngestReport.Outcome, Integer> counts = report.counts();
                units.add(new PullReport.UnitReport(first, last, unit.entries().size(), counts.get(IngestReport.Outcome.CREATED),
                        counts.get(IngestReport.Outcome.UPDATED), counts.get(IngestReport.Outcome.UNCHANGED), 0, List.of(),
                        report.warnings().size()));
            } catch (UnprocessableEntityException rejected) {
                if (firstTry && unresolvedOnly(rejected)) {
                    retries.add(lines);
                    return;
                }
                units.add(new PullReport.UnitReport(first, last, unit.entries().size(), 0, 0, 0, unit.entries().size() + unit.problems().size(),
                        reasons(rejected), 0));
            } catch (BaseServerResponseException failed) {
                storageFailure = "a unit could not be stored (" + first + " to " + last + "): " + BulkClient.shorten(failed.getMessage());
                units.add(new PullReport.UnitReport(first, last, unit.entries().size(), 0, 0, 0, unit.entries().size(),
                        List.of(BulkClient.shorten(failed.getMessage())), 0));
            }
            renew();
        }

        /** Whether every reason of a rejection is a reference not (yet) stored. */
        private boolean unresolvedOnly(UnprocessableEntityException rejected) {
            List<String> reasons = reasons(rejected);
            return reasons.stream().allMatch(r -> r.contains("is neither in this unit nor sent before by this source"));
        }

        private List<String> reasons(UnprocessableEntityException rejected) {
            List<String> reasons = new ArrayList<>();
            IBaseOperationOutcome outcome = rejected.getOperationOutcome();
            if (outcome instanceof OperationOutcome oo) {
                for (OperationOutcome.OperationOutcomeIssueComponent issue : oo.getIssue()) {
                    if (issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR && reasons.size() < PullReport.MAX_REASONS) {
                        reasons.add(issue.getDiagnostics());
                    }
                }
            }
            if (reasons.isEmpty()) {
                reasons.add(BulkClient.shorten(String.valueOf(rejected.getMessage())));
            }
            return reasons;
        }
    }

    /** A data file of the manifest and where it was downloaded to. */
    private record Fetched(BulkClient.Output output, Path path) {}

    private static int rank(String type) {
        int first = FIRST.indexOf(type);
        if (first >= 0) {
            return first;
        }
        int last = LAST.indexOf(type);
        return last >= 0 ? 1000 + last : 500;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("pull files not deleted: {}", dir);
        }
    }
}
