package org.portico.auth.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Restriction;
import org.portico.smart.scope.StandardScope;

/** Plain-language descriptions of scopes for the consent page (English). */
public final class ScopeDescriptions {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("*", "all of your health records"),
            Map.entry("AllergyIntolerance", "your allergies"),
            Map.entry("CarePlan", "your care plans"),
            Map.entry("CareTeam", "your care team"),
            Map.entry("Condition", "your health problems and diagnoses"),
            Map.entry("Coverage", "your insurance coverage"),
            Map.entry("Device", "your implanted devices"),
            Map.entry("DiagnosticReport", "your test and imaging reports, with their images"),
            Map.entry("DocumentReference", "your clinical notes and documents"),
            Map.entry("Encounter", "your visits"),
            Map.entry("Goal", "your health goals"),
            Map.entry("Immunization", "your immunizations"),
            Map.entry("Location", "the places where you received care"),
            Map.entry("Medication", "the medications in your record"),
            Map.entry("MedicationDispense", "the medications dispensed to you"),
            Map.entry("MedicationRequest", "your medications and prescriptions"),
            Map.entry("Observation", "your lab results and vital signs"),
            Map.entry("Organization", "the organizations in your record"),
            Map.entry("Patient", "your personal details (name, birth date, contact information)"),
            Map.entry("Practitioner", "the clinicians in your record"),
            Map.entry("PractitionerRole", "the roles of the clinicians in your record"),
            Map.entry("Procedure", "your procedures"),
            Map.entry("Provenance", "where your records came from"),
            Map.entry("RelatedPerson", "the people related to you in your record"),
            Map.entry("ServiceRequest", "your orders and referrals"),
            Map.entry("Specimen", "your lab specimens"));

    private ScopeDescriptions() {}

    /** e.g. "Read and search your lab results and vital signs (Observation)". */
    public static String describe(ResourceScope scope) {
        String what = TYPES.getOrDefault(scope.resourceType(), "your " + scope.resourceType() + " records");
        String type = scope.isWildcard() ? "all types" : scope.resourceType();
        StringBuilder sb = new StringBuilder(verbs(scope)).append(' ').append(what).append(" (").append(type).append(')');
        if (scope.isRestricted()) {
            sb.append(", only where ").append(scope.restrictions().stream()
                    .map(r -> GranularCategories.find(scope.resourceType(), r)
                            .map(c -> "the category is " + c.name())
                            .orElseGet(() -> restriction(r)))
                    .collect(Collectors.joining(" and ")));
        }
        return sb.toString();
    }

    /** The data of a resource scope in plain words, e.g. "your lab results and vital signs". */
    public static String what(ResourceScope scope) {
        return TYPES.getOrDefault(scope.resourceType(), "your " + scope.resourceType() + " records");
    }

    /** The data of a resource type in plain words, e.g. "your lab results and vital signs" ({@code *}: all of them). */
    public static String what(String resourceType) {
        return TYPES.getOrDefault(resourceType, "your " + resourceType + " records");
    }

    /** A category box: the category's official name and what it means, e.g. "Laboratory: lab results, ...". */
    public static String category(ResourceScope granular) {
        Restriction last = granular.restrictions().get(granular.restrictions().size() - 1);
        return GranularCategories.find(granular.resourceType(), last)
                .map(GranularCategories.Category::label)
                .orElseGet(() -> restriction(last));
    }

    public static String describe(StandardScope scope) {
        return switch (scope) {
            case OPENID -> "Confirm who you are to the app";
            case FHIR_USER -> "Tell the app which record is yours";
            case PROFILE -> "Share your name and profile";
            case LAUNCH -> "Open with the record you are viewing";
            case LAUNCH_PATIENT -> "Know which patient record is in use (yours)";
            case LAUNCH_ENCOUNTER -> "Know which visit is in use";
            case OFFLINE_ACCESS -> "Keep access when you are not using the app, until you revoke it";
            case ONLINE_ACCESS -> "Keep access while you are using the app";
        };
    }

    private static String verbs(ResourceScope scope) {
        List<String> words = new ArrayList<>();
        for (Interaction i : Interaction.values()) {
            if (scope.allows(i)) {
                words.add(switch (i) {
                    case CREATE -> "create";
                    case READ -> "read";
                    case UPDATE -> "update";
                    case DELETE -> "delete";
                    case SEARCH -> "search";
                });
            }
        }
        // read and search first: that is what patients grant most
        if (words.remove("search")) {
            words.add(words.contains("read") ? 1 : 0, "search");
        }
        String joined = words.size() == 1
                ? words.get(0)
                : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
        return Character.toUpperCase(joined.charAt(0)) + joined.substring(1);
    }

    private static String restriction(Restriction r) {
        String value = r.value();
        int bar = value.lastIndexOf('|');
        return r.parameter() + " is " + (bar >= 0 ? value.substring(bar + 1) : value);
    }
}
