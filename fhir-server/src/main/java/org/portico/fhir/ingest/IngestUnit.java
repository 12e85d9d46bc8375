package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * What one push delivers, as entries to store all together or not at all: the entries of a
 * transaction, batch or collection Bundle, or the lines of ndjson (ADR 0017). An entry that cannot
 * be read is kept as a problem, so that the answer lists every problem of the unit at once.
 *
 * @param entries  the resources, in the order sent
 * @param problems entries refused before anything is looked up
 */
public record IngestUnit(List<Entry> entries, List<IngestReport.Rejection> problems) {

    private static final Set<Bundle.BundleType> PUSHED = Set.of(
            Bundle.BundleType.TRANSACTION, Bundle.BundleType.BATCH, Bundle.BundleType.COLLECTION);

    /**
     * @param label   where it was in the input ({@code Bundle.entry[3]}, {@code line 5})
     * @param fullUrl the Bundle entry's fullUrl, or null
     */
    public record Entry(String label, String fullUrl, Resource resource) {}

    public IngestUnit {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    /** The entries of a pushed Bundle; the Bundle itself must be a transaction, batch or collection. */
    public static IngestUnit ofBundle(FhirContext fhir, String body) {
        IBaseResource parsed;
        try {
            // keep each resource's own id (the source's id); HAPI would replace it with the entry's fullUrl
            parsed = fhir.newJsonParser().setOverrideResourceIdWithBundleEntryFullUrl(false).parseResource(body);
        } catch (DataFormatException | ClassCastException e) {
            throw IngestReport.badInput("The body is not a FHIR JSON resource: " + firstLine(e.getMessage()));
        }
        if (!(parsed instanceof Bundle bundle)) {
            throw IngestReport.badInput("The body must be a Bundle (transaction, batch or collection), not a "
                    + fhir.getResourceType(parsed));
        }
        if (!PUSHED.contains(bundle.getType())) {
            throw IngestReport.badInput("Bundle.type must be transaction, batch or collection, not "
                    + (bundle.getType() == null ? "missing" : bundle.getType().toCode()));
        }
        List<Entry> entries = new ArrayList<>();
        List<IngestReport.Rejection> problems = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            String label = "Bundle.entry[" + i + "]";
            if (entry.hasRequest() && entry.getRequest().getMethod() != null
                    && entry.getRequest().getMethod() != Bundle.HTTPVerb.POST && entry.getRequest().getMethod() != Bundle.HTTPVerb.PUT) {
                problems.add(new IngestReport.Rejection(label, null, "only POST and PUT entries are ingested, not "
                        + entry.getRequest().getMethod().toCode()));
                continue;
            }
            if (!entry.hasResource()) {
                problems.add(new IngestReport.Rejection(label, null, "the entry has no resource"));
                continue;
            }
            entries.add(new Entry(label, entry.hasFullUrl() ? entry.getFullUrl() : null, entry.getResource()));
        }
        return new IngestUnit(entries, problems);
    }

    /** One resource per non-blank line (FHIR Bulk Data ndjson), of one or several types. */
    public static IngestUnit ofNdjson(FhirContext fhir, String body) {
        List<Line> lines = new ArrayList<>();
        String[] split = body.split("\r?\n");
        for (int i = 0; i < split.length; i++) {
            lines.add(new Line("line " + (i + 1), split[i]));
        }
        IngestUnit unit = ofLines(fhir, lines);
        if (unit.entries().isEmpty() && unit.problems().isEmpty()) {
            throw IngestReport.badInput("The body holds no resource");
        }
        return unit;
    }

    /** An ndjson line and where it was ({@code line 5}, {@code Observation file 2 line 5}). */
    public record Line(String label, String text) {}

    /** One resource per non-blank line; blank lines are skipped. */
    public static IngestUnit ofLines(FhirContext fhir, List<Line> lines) {
        IParser parser = fhir.newJsonParser();
        List<Entry> entries = new ArrayList<>();
        List<IngestReport.Rejection> problems = new ArrayList<>();
        for (Line l : lines) {
            String line = l.text().strip();
            if (line.isEmpty()) {
                continue;
            }
            String label = l.label();
            try {
                IBaseResource parsed = parser.parseResource(line);
                if (parsed instanceof Bundle || !(parsed instanceof Resource resource)) {
                    problems.add(new IngestReport.Rejection(label, null, "a line must hold one resource, not a Bundle"));
                } else {
                    entries.add(new Entry(label, null, resource));
                }
            } catch (DataFormatException | ClassCastException e) {
                problems.add(new IngestReport.Rejection(label, null, "not a FHIR JSON resource: " + firstLine(e.getMessage())));
            }
        }
        return new IngestUnit(entries, problems);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
