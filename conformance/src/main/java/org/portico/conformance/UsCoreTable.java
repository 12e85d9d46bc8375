package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-profile table of the (g)(10) Single Patient API (G10 checklist §8) as data: the resource
 * {@code us-core-<version>-single-patient-api.json} next to this class, derived from the checklist table.
 *
 * @param version the US Core version the table is for (the package validated against)
 * @param capabilityStatementId the id of the CapabilityStatement row (12.1; US Core 6: 10.1), likewise
 *                the clinical notes (12.49), missing data (12.51) and screening assessment (12.50) rows
 * @param groups  the profile groups in checklist order
 */
record UsCoreTable(String version, String capabilityStatementId, String clinicalNotesId, String missingDataId,
        String screeningAssessmentId, List<Group> groups) {

    /**
     * One profile group (12.3 AllergyIntolerance...).
     *
     * @param firstSearchValues the values the first search's non-patient parameter is searched with, one by one
     * @param readOnly          no searches: every instance referenced by the other groups is read
     * @param tests             the other tests of the row (read, provenance_revinclude_search, ...)
     * @param references        the must-support Reference elements of which one reference must resolve
     */
    record Group(String id, String profile, String type, Map<String, List<String>> firstSearchValues, boolean readOnly,
            List<Search> searches, List<String> tests, List<String> mustSupport, List<String> references) {

        String profileUrl() {
            return "http://hl7.org/fhir/us/core/StructureDefinition/" + profile;
        }

        Search firstSearch() {
            return searches.stream().filter(Search::first).findFirst().orElse(null);
        }

        boolean has(String test) {
            return tests.stream().anyMatch(t -> t.startsWith(test));
        }
    }

    /**
     * A required search and its flags (checklist §8 legend).
     *
     * @param systemCode  token parameters also searched as {@code system|code}
     * @param comparators date parameters also searched with gt, ge, lt, le
     * @param multipleOr  token parameters also searched with every value found, comma-separated
     */
    record Search(List<String> params, boolean first, boolean refVariant, boolean post, List<String> systemCode,
            List<String> comparators, List<String> multipleOr, boolean includeMedication) {

        String name() {
            return String.join("+", params);
        }
    }

    static UsCoreTable load(String version) {
        String name = "us-core-" + version + "-single-patient-api.json";
        try (InputStream in = UsCoreTable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("No table " + name + " on the class path");
            }
            return parse(Response.JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name, e);
        }
    }

    static UsCoreTable parse(JsonNode root) {
        List<Group> groups = new ArrayList<>();
        for (JsonNode g : root.path("groups")) {
            Map<String, List<String>> fixed = new LinkedHashMap<>();
            g.path("firstSearchValues").fields().forEachRemaining(f -> fixed.put(f.getKey(), texts(f.getValue())));
            List<Search> searches = new ArrayList<>();
            for (JsonNode s : g.path("searches")) {
                searches.add(new Search(texts(s.path("params")), s.path("first").asBoolean(), s.path("refVariant").asBoolean(),
                        s.path("post").asBoolean(), texts(s.path("systemCode")), texts(s.path("comparators")),
                        texts(s.path("multipleOr")), s.path("includeMedication").asBoolean()));
            }
            groups.add(new Group(g.path("id").asText(), g.path("profile").asText(), g.path("type").asText(), fixed,
                    g.path("readOnly").asBoolean(), searches, texts(g.path("tests")), texts(g.path("mustSupport")),
                    texts(g.path("references"))));
        }
        return new UsCoreTable(root.path("usCoreVersion").asText(), root.path("capabilityStatementId").asText(),
                root.path("clinicalNotesId").asText(), root.path("missingDataId").asText(),
                root.path("screeningAssessmentId").asText(), groups);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
