package org.portico.auth.consent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portico.smart.scope.Restriction;

/**
 * The categories a patient can choose between on the consent page, per resource type (ONC (g)(10)
 * "granular scope selection": Condition and Observation, the US Core 6/7 category systems). "Clinical
 * Test" is the {@code procedure} code of the US Core clinical-result Observation categories (US Core 5
 * used {@code us-core-category|clinical-test}).
 */
public final class GranularCategories {

    public static final String PARAMETER = "category";

    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category";

    /**
     * One choice.
     *
     * @param name        the category's official name, as the certification test names it
     * @param explanation what it means, in plain language
     */
    public record Category(String resourceType, String system, String code, String name, String explanation) {

        public Restriction restriction() {
            return new Restriction(PARAMETER, system + "|" + code);
        }

        public String label() {
            return name + ": " + explanation;
        }
    }

    private static final Map<String, List<Category>> BY_TYPE = Map.of(
            "Condition", List.of(
                    new Category("Condition", CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis",
                            "diagnoses made during your visits"),
                    new Category("Condition", CONDITION_CATEGORY, "problem-list-item", "Problem List",
                            "the ongoing health problems on your problem list"),
                    new Category("Condition", US_CORE_CONDITION_CATEGORY, "health-concern", "Health Concern",
                            "health concerns you or your care team noted")),
            "Observation", List.of(
                    new Category("Observation", OBSERVATION_CATEGORY, "procedure", "Clinical Test",
                            "results of tests such as heart tracings, lung function or hearing tests"),
                    new Category("Observation", OBSERVATION_CATEGORY, "laboratory", "Laboratory",
                            "lab results, such as blood and urine tests"),
                    new Category("Observation", OBSERVATION_CATEGORY, "social-history", "Social History",
                            "your social history, such as smoking, alcohol use and work"),
                    new Category("Observation", US_CORE_CATEGORY, "sdoh", "SDOH",
                            "social needs such as housing, food, money and transport"),
                    new Category("Observation", OBSERVATION_CATEGORY, "survey", "Survey",
                            "answers to questionnaires and assessments"),
                    new Category("Observation", OBSERVATION_CATEGORY, "vital-signs", "Vital Signs",
                            "vital signs, such as blood pressure, heart rate, weight and height")));

    private GranularCategories() {}

    /** The choices for a type, in display order; empty when the type has none. */
    public static List<Category> of(String resourceType) {
        return BY_TYPE.getOrDefault(resourceType, List.of());
    }

    /** The category a restriction names, if it is one of ours. */
    public static Optional<Category> find(String resourceType, Restriction restriction) {
        return of(resourceType).stream().filter(c -> c.restriction().equals(restriction)).findFirst();
    }
}
