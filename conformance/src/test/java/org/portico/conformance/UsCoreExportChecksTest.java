package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 8.3.08 without a server: which profile an exported resource is checked against, and that a resource
 * breaking its profile or a profile without its must-supports is reported (the one test here that loads
 * the HL7 validator, about half a minute).
 */
class UsCoreExportChecksTest {

    private static final UsCoreExportChecks CHECKS = new UsCoreExportChecks("7.0.0");

    private static JsonNode json(String text) throws Exception {
        return Response.JSON.readTree(text);
    }

    private static UsCoreTable.Group group(String profile) {
        return CHECKS.groups().stream().filter(g -> g.profile().equals(profile)).findFirst().orElseThrow();
    }

    @Test
    void whenResourcesAreExportedThenEachGoesToTheProfilesTheSinglePatientApiWouldCheckItAgainst() throws Exception {
        JsonNode heartRate = json("""
                {"resourceType":"Observation","id":"hr","status":"final",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
                 "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p"}}""");
        JsonNode lab = json("""
                {"resourceType":"Observation","id":"lab","status":"final",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
                 "code":{"coding":[{"system":"http://loinc.org","code":"2339-0"}]},"subject":{"reference":"Patient/p"}}""");
        JsonNode diagnosis = json("""
                {"resourceType":"Condition","id":"dx",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}]}""");
        Map<String, List<JsonNode>> exported = Map.of("Observation", List.of(heartRate, lab), "Condition", List.of(diagnosis),
                "Location", List.of(json("{\"resourceType\":\"Location\",\"id\":\"l\"}")));

        assertThat(CHECKS.members(group("us-core-heart-rate"), exported)).containsExactly(heartRate);
        assertThat(CHECKS.members(group("us-core-observation-lab"), exported)).containsExactly(lab);
        assertThat(CHECKS.members(group("us-core-body-weight"), exported)).isEmpty();
        assertThat(CHECKS.members(group("us-core-condition-encounter-diagnosis"), exported)).containsExactly(diagnosis);
        assertThat(CHECKS.members(group("us-core-condition-problems-health-concerns"), exported)).isEmpty();
        assertThat(CHECKS.members(group("us-core-location"), exported)).hasSize(1);
    }

    @Test
    void whenAProfileHasNoResourceOrAResourceBreaksItThenProblemsAreReported() throws Exception {
        UsCoreTable.Group patient = group("us-core-patient");
        assertThat(CHECKS.problems(patient, List.of())).singleElement().asString().startsWith("no exported Patient");

        JsonNode nameless = json("""
                {"resourceType":"Patient","id":"p","gender":"female","birthDate":"1990-01-01"}""");
        List<String> problems = CHECKS.problems(patient, List.of(nameless));
        // US Core Patient requires identifier and name (1..*): validation errors, and must-supports missing
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Patient/p ").contains("identifier"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("must-support").endsWith(": name"));
    }
}
