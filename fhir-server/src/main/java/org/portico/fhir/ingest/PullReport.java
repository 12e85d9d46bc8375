package org.portico.fhir.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * What one pull did (ADR 0022): its state, the {@code _since} it sent and the {@code transactionTime}
 * the source answered, each file of the manifest, and each ingest unit with what it created, updated,
 * left unchanged or why it was rejected. Stored as JSON with the run, answered as {@code Parameters}.
 *
 * @param since           the {@code _since} sent, or null on a first pull
 * @param transactionTime the manifest's, or null when the export did not complete
 * @param error           why the run failed, or null
 * @param sourceErrors    the issues of the manifest's {@code error} files
 */
public record PullReport(String runId, String sourceId, State state, String trigger, Instant started, Instant finished,
        Instant since, Instant transactionTime, String error, List<FileReport> files, List<UnitReport> units,
        List<String> sourceErrors) {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final int MAX_REASONS = 20;

    public enum State {
        RUNNING, COMPLETED, FAILED, ABANDONED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param url     the file's URL without its query (a signed URL's query is a credential)
     * @param lines   the resources in it
     * @param skipped why it was not ingested, or null
     */
    public record FileReport(String type, String url, long lines, String skipped) {}

    /**
     * @param first    the first entry's label ({@code Patient file 1 line 1})
     * @param last     the last entry's label
     * @param rejected the entries of a rejected unit (nothing of it was stored), else 0
     * @param reasons  why it was rejected (at most {@value #MAX_REASONS})
     * @param warnings the validator's findings on a stored unit
     */
    public record UnitReport(String first, String last, int entries, int created, int updated, int unchanged, int rejected,
            List<String> reasons, int warnings) {

        public UnitReport {
            reasons = List.copyOf(reasons);
        }
    }

    public PullReport {
        files = List.copyOf(files);
        units = List.copyOf(units);
        sourceErrors = List.copyOf(sourceErrors);
    }

    public int created() {
        return units.stream().mapToInt(UnitReport::created).sum();
    }

    public int updated() {
        return units.stream().mapToInt(UnitReport::updated).sum();
    }

    public int unchanged() {
        return units.stream().mapToInt(UnitReport::unchanged).sum();
    }

    public int rejected() {
        return units.stream().mapToInt(UnitReport::rejected).sum();
    }

    static PullReport fromJson(String json) {
        try {
            return JSON.readValue(json, PullReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored pull report is always readable", e);
        }
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pull report is always writable", e);
        }
    }

    public Parameters toParameters() {
        Parameters p = new Parameters();
        p.getParameter().addAll(parameters());
        return p;
    }

    /** The report as the parts of one {@code run} parameter (for a list of runs). */
    public Parameters.ParametersParameterComponent asPart() {
        Parameters.ParametersParameterComponent run = new Parameters.ParametersParameterComponent().setName("run");
        run.getPart().addAll(parameters());
        return run;
    }

    private List<Parameters.ParametersParameterComponent> parameters() {
        Parameters p = new Parameters();
        p.addParameter().setName("run").setValue(new StringType(runId));
        p.addParameter().setName("source").setValue(new StringType(sourceId));
        p.addParameter().setName("state").setValue(new CodeType(state.code()));
        p.addParameter().setName("trigger").setValue(new CodeType(trigger));
        p.addParameter().setName("started").setValue(new InstantType(java.util.Date.from(started)));
        if (finished != null) {
            p.addParameter().setName("finished").setValue(new InstantType(java.util.Date.from(finished)));
        }
        if (since != null) {
            p.addParameter().setName("since").setValue(new InstantType(java.util.Date.from(since)));
        }
        if (transactionTime != null) {
            p.addParameter().setName("transaction-time").setValue(new InstantType(java.util.Date.from(transactionTime)));
        }
        if (error != null) {
            p.addParameter().setName("error").setValue(new StringType(error));
        }
        p.addParameter().setName("created").setValue(new IntegerType(created()));
        p.addParameter().setName("updated").setValue(new IntegerType(updated()));
        p.addParameter().setName("unchanged").setValue(new IntegerType(unchanged()));
        p.addParameter().setName("rejected").setValue(new IntegerType(rejected()));
        sourceErrors.forEach(e -> p.addParameter().setName("source-error").setValue(new StringType(e)));
        for (FileReport file : files) {
            Parameters.ParametersParameterComponent f = p.addParameter().setName("file");
            f.addPart().setName("type").setValue(new CodeType(file.type()));
            f.addPart().setName("url").setValue(new UriType(file.url()));
            f.addPart().setName("lines").setValue(new IntegerType((int) Math.min(Integer.MAX_VALUE, file.lines())));
            if (file.skipped() != null) {
                f.addPart().setName("skipped").setValue(new StringType(file.skipped()));
            }
        }
        for (UnitReport unit : units) {
            Parameters.ParametersParameterComponent u = p.addParameter().setName("unit");
            u.addPart().setName("first").setValue(new StringType(unit.first()));
            u.addPart().setName("last").setValue(new StringType(unit.last()));
            u.addPart().setName("entries").setValue(new IntegerType(unit.entries()));
            u.addPart().setName("created").setValue(new IntegerType(unit.created()));
            u.addPart().setName("updated").setValue(new IntegerType(unit.updated()));
            u.addPart().setName("unchanged").setValue(new IntegerType(unit.unchanged()));
            u.addPart().setName("rejected").setValue(new IntegerType(unit.rejected()));
            unit.reasons().forEach(r -> u.addPart().setName("reason").setValue(new StringType(r)));
            if (unit.warnings() > 0) {
                u.addPart().setName("warnings").setValue(new IntegerType(unit.warnings()));
            }
        }
        return p.getParameter();
    }
}
