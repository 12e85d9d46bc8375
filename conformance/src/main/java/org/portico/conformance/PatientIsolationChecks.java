package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A patient-context token yields only that patient's data, on every path (architecture invariant 2):
 * user A's token is aimed at user B's data, directly and sideways. Each request must be refused (403)
 * or answered without anything of B's.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientIsolationChecks {

    private static final String SCOPE = "launch/patient openid fhirUser offline_access "
            + "patient/Patient.rs patient/Observation.rs patient/Condition.rs";

    private final Deployment deployment;
    private final SmartClient smart;
    private String tokenA;
    private String patientA;
    private String patientB;
    private String observationB;
    private String observationCodeB;

    PatientIsolationChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launchAsTwoDifferentUsers() {
        ClientRegistration client = deployment.demo().publicClient();
        TokenResponse a = smart.launch(client, deployment.demo().user(0), SCOPE).tokens();
        TokenResponse b = smart.launch(client, deployment.demo().user(1), SCOPE).tokens();
        tokenA = a.accessToken();
        patientA = a.patient();
        patientB = b.patient();
        assertThat(patientA).as("the first two demo users are different patients").isNotEqualTo(patientB);

        Response observations = smart.read("Observation?patient=" + patientB + "&_count=1", b.accessToken());
        assertThat(observations.status()).as(observations.describe()).isEqualTo(200);
        JsonNode observation = observations.json().path("entry").path(0).path("resource");
        assertThat(observation.path("id").asText()).as("B has an Observation: " + observations).isNotBlank();
        observationB = observation.path("id").asText();
        JsonNode coding = observation.path("code").path("coding").path(0);
        observationCodeB = coding.path("system").asText() + "|" + coding.path("code").asText();
    }

    @Test
    void readOfOtherPatientIsRefused() {
        assertNothingOfB(smart.read("Patient/" + patientB, tokenA));
    }

    @Test
    void readOfOtherPatientsObservationIsRefused() {
        assertNothingOfB(smart.read("Observation/" + observationB, tokenA));
    }

    @Test
    void observationSearchByOtherPatientIsRefused() {
        assertNothingOfB(smart.read("Observation?patient=" + patientB, tokenA));
    }

    @Test
    void observationSearchBySubjectOfOtherPatientIsRefused() {
        assertNothingOfB(smart.read("Observation?subject=Patient/" + patientB, tokenA));
    }

    @Test
    void conditionSearchByOtherPatientIsRefused() {
        assertNothingOfB(smart.read("Condition?patient=" + patientB, tokenA));
    }

    @Test
    void observationSearchByIdOfOtherPatientsObservationFindsNothingOfB() {
        assertNothingOfB(smart.read("Observation?_id=" + observationB, tokenA));
    }

    @Test
    void includeOnOwnObservationsAddsNothingOfB() {
        assertNothingOfB(smart.read("Observation?patient=" + patientA + "&_include=Observation:subject", tokenA));
    }

    @Test
    void revincludeOnOwnPatientAddsNothingOfB() {
        assertNothingOfB(smart.read("Patient?_id=" + patientA + "&_revinclude=Observation:subject", tokenA));
    }

    @Test
    void observationSearchWithoutPatientParameterFindsNothingOfB() {
        assertNothingOfB(smart.read("Observation?code=" + HttpSession.encode(observationCodeB), tokenA));
    }

    /** 403, or 200 with neither B's Patient nor B's Observation among the resources, and B's id nowhere else. */
    private void assertNothingOfB(Response response) {
        if (response.status() == 403) {
            return;
        }
        if (response.status() != 200) {
            fail("Expected 403, or 200 without B's data; got " + response);
        }
        assertThat(resourceKeys(response.json()))
                .as("resources returned by " + response.describe())
                .doesNotContain("Patient/" + patientB, "Observation/" + observationB);
        JsonNode body = response.json().deepCopy();
        if (body.isObject()) {
            // a Bundle's links echo the request's own parameters, which name B
            ((ObjectNode) body).remove("link");
        }
        assertThat(body.toString()).as("body of " + response.describe() + " (without Bundle.link)").doesNotContain(patientB);
    }

    /** {@code Type/id} of the resource, or of each resource in a Bundle. */
    private static Set<String> resourceKeys(JsonNode resource) {
        Set<String> keys = new LinkedHashSet<>();
        if ("Bundle".equals(resource.path("resourceType").asText())) {
            for (JsonNode entry : resource.path("entry")) {
                keys.addAll(resourceKeys(entry.path("resource")));
            }
        } else {
            keys.add(resource.path("resourceType").asText() + "/" + resource.path("id").asText());
        }
        return keys;
    }
}
