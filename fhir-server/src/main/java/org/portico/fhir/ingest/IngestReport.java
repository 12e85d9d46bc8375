package org.portico.fhir.ingest;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The answer to one ingest unit, sent after it committed: a {@code Parameters} with the counts
 * ({@code created}, {@code updated}, {@code unchanged}, {@code rejected} = 0), the unit's
 * Provenances and one {@code entry} per input entry ({@code entry}: where it was, {@code outcome},
 * {@code type}, {@code source-id}, {@code resource}: the stored resource). A unit with a rejected
 * entry stores nothing and answers 422 with an OperationOutcome naming every rejected entry and why
 * ({@link #rejected}). With {@link #withLabels}: {@code label-rules} (the rules' id and version) and, on
 * each entry a rule labelled, a {@code labelled-by} part per rule (ADR 0021).
 */
public record IngestReport(String source, List<Item> items, List<String> provenances, String labelRules,
        Map<String, List<String>> labelledBy, List<Rejection> warnings) {

    public enum Outcome {
        CREATED, UPDATED, UNCHANGED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param label    where the entry was in the input, or what Portico derived it from (a unified Patient)
     * @param type     the resource type
     * @param sourceId the source's id of the resource (null for Portico's unified Patient)
     * @param stored   {@code Type/id} as stored
     */
    public record Item(String label, String type, String sourceId, Outcome outcome, String stored) {}

    /** An entry the unit could not take. {@code sourceId} may be null. */
    public record Rejection(String label, String sourceId, String reason) {}

    public IngestReport {
        items = List.copyOf(items);
        provenances = List.copyOf(provenances);
        labelledBy = Map.copyOf(labelledBy);
        warnings = List.copyOf(warnings);
    }

    public IngestReport(String source, List<Item> items, List<String> provenances) {
        this(source, items, provenances, null, Map.of(), List.of());
    }

    /**
     * The same report saying which security-label rules ({@code rules}: their id and version) labelled
     * which entries: entry label -> rule descriptions ({@code sud-icd10cm: ETH, SUD, R}).
     */
    public IngestReport withLabels(String rules, Map<String, List<String>> byEntry) {
        return new IngestReport(source, items, provenances, rules, byEntry, warnings);
    }

    /** The same report with the validator's findings about the stored unit. */
    public IngestReport withWarnings(List<Rejection> found) {
        return new IngestReport(source, items, provenances, labelRules, labelledBy, found);
    }

    public Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        items.forEach(i -> counts.merge(i.outcome(), 1, Integer::sum));
        return counts;
    }

    public Parameters toParameters() {
        Parameters p = new Parameters();
        p.addParameter().setName("source").setValue(new UriType(source));
        counts().forEach((outcome, n) -> p.addParameter().setName(outcome.code()).setValue(new IntegerType(n)));
        p.addParameter().setName("rejected").setValue(new IntegerType(0));
        provenances.forEach(id -> p.addParameter().setName("provenance").setValue(new Reference(id)));
        if (labelRules != null) {
            p.addParameter().setName("label-rules").setValue(new StringType(labelRules));
        }
        for (Item item : items) {
            Parameters.ParametersParameterComponent entry = p.addParameter().setName("entry");
            entry.addPart().setName("entry").setValue(new StringType(item.label()));
            entry.addPart().setName("outcome").setValue(new CodeType(item.outcome().code()));
            entry.addPart().setName("type").setValue(new CodeType(item.type()));
            if (item.sourceId() != null) {
                entry.addPart().setName("source-id").setValue(new StringType(item.sourceId()));
            }
            entry.addPart().setName("resource").setValue(new Reference(item.stored()));
            for (String rule : labelledBy.getOrDefault(item.label(), List.of())) {
                entry.addPart().setName("labelled-by").setValue(new StringType(rule));
            }
        }
        for (Rejection warning : warnings) {
            Parameters.ParametersParameterComponent w = p.addParameter().setName("warning");
            w.addPart().setName("entry").setValue(new StringType(warning.label()));
            if (warning.sourceId() != null) {
                w.addPart().setName("source-id").setValue(new StringType(warning.sourceId()));
            }
            w.addPart().setName("message").setValue(new StringType(warning.reason()));
        }
        return p;
    }

    /** The 422 answer to a unit with rejected entries: nothing of it was stored. */
    public static UnprocessableEntityException rejected(List<Rejection> rejections) {
        OperationOutcome outcome = new OperationOutcome();
        for (Rejection r : rejections) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.PROCESSING)
                    .setDiagnostics(r.label() + (r.sourceId() == null ? "" : " (source id " + r.sourceId() + ")") + ": " + r.reason())
                    .addExpression(r.label());
        }
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(rejections.size() + " entr" + (rejections.size() == 1 ? "y" : "ies")
                        + " rejected; nothing of this unit was stored");
        return new UnprocessableEntityException("The unit was rejected; nothing of it was stored", outcome);
    }

    static InvalidRequestException badInput(String message) {
        return new InvalidRequestException(message);
    }
}
