package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Row 8.3.08 of the Bulk Data suite, as Inferno's export validation: every exported resource against its
 * US Core profile, and per profile at least one resource with every must-support element populated in
 * one of them. A resource's profiles are picked as the Single Patient API suite picks them
 * ({@link UsCoreTable}): a profile group takes the resources of its type that its first search would
 * find, i.e. that match one of the group's fixed first-search values (Observation by code or category,
 * Condition and DiagnosticReport by category...); a group without such values takes every resource of its
 * type. The US Core profiles outside the table that an export may hold (Medication, PractitionerRole,
 * QuestionnaireResponse) are validated when exported, without a must-support list.
 */
final class UsCoreExportChecks {

    /**
     * How many resources of one profile are validated (the first ones in file order). Inferno validates
     * them all; the HL7 validator takes tens of milliseconds a resource, so the cap bounds the run. The
     * must-support check reads every resource.
     */
    static final int MAX_VALIDATED_PER_PROFILE = 100;

    /** Types of US Core profiles an export may hold that no group of the table checks: validated only. */
    static final Map<String, String> VALIDATED_ONLY = Map.of(
            "Medication", "us-core-medication",
            "PractitionerRole", "us-core-practitionerrole",
            "QuestionnaireResponse", "us-core-questionnaireresponse");

    private final UsCoreTable table;
    private final UsCorePackage pkg;
    private ProfileValidator validator;

    UsCoreExportChecks(String version) {
        this.table = UsCoreTable.load(version);
        this.pkg = UsCorePackage.load(version);
    }

    List<UsCoreTable.Group> groups() {
        return table.groups();
    }

    String version() {
        return pkg.version();
    }

    /** The exported resources the group's profile applies to. */
    List<JsonNode> members(UsCoreTable.Group g, Map<String, List<JsonNode>> exported) {
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode resource : exported.getOrDefault(g.type(), List.of())) {
            if (inGroup(resource, g)) {
                members.add(resource);
            }
        }
        return members;
    }

    private boolean inGroup(JsonNode resource, UsCoreTable.Group g) {
        for (Map.Entry<String, List<String>> fixed : g.firstSearchValues().entrySet()) {
            UsCorePackage.SearchParam param = pkg.searchParam(g.type(), fixed.getKey());
            if (fixed.getValue().stream().noneMatch(value -> SearchMatch.mismatch(resource, param, value) == null)) {
                return false;
            }
        }
        return true;
    }

    /** What is wrong with the group's resources: none, validation errors of the sample, missing must-supports. */
    List<String> problems(UsCoreTable.Group g, List<JsonNode> members) {
        if (members.isEmpty()) {
            return List.of("no exported " + g.type() + " is one the Single Patient API would check against " + g.profile()
                    + (g.firstSearchValues().isEmpty() ? "" : " (" + g.firstSearchValues() + ")"));
        }
        List<String> problems = new ArrayList<>(validationErrors(members, g.profileUrl()));
        new MustSupport(pkg, g.profile()).missing(g.mustSupport(), members)
                .forEach(m -> problems.add("must-support element populated by none of the " + members.size() + ": " + m));
        return problems;
    }

    /** The validation errors of the first {@link #MAX_VALIDATED_PER_PROFILE} of {@code resources}. */
    List<String> validationErrors(List<JsonNode> resources, String profileUrl) {
        return validator().errors(resources.subList(0, Math.min(resources.size(), MAX_VALIDATED_PER_PROFILE)), profileUrl);
    }

    static String profileUrl(String profileId) {
        return "http://hl7.org/fhir/us/core/StructureDefinition/" + profileId;
    }

    private synchronized ProfileValidator validator() {
        if (validator == null) {
            validator = new ProfileValidator(pkg.version());
        }
        return validator;
    }
}
