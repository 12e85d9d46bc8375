package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the configuration expects of each login ({@code patient}, {@code acts_for}): a standalone launch
 * with the public client puts the user's own patient in context by default, that patient's record reads,
 * and every other configured patient the login is not expected to see is refused (401/403/404, never
 * data). One check per login, named after it.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginExpectationsChecks {

    private static final String SCOPE = "launch/patient openid fhirUser patient/Patient.rs";

    private final Deployment deployment;
    private final SmartClient smart;

    LoginExpectationsChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @TestFactory
    Stream<DynamicTest> eachLoginSeesWhatTheConfigurationExpects() {
        List<Credentials> users = deployment.demo().users().stream().filter(u -> !u.patients().isEmpty()).toList();
        assumeTrue(!users.isEmpty(), "the configuration states no patient for any login");
        Set<String> allPatients = new LinkedHashSet<>();
        users.forEach(u -> allPatients.addAll(u.patients()));
        return users.stream().map(user -> DynamicTest.dynamicTest("login " + user.username()
                + " sees patient " + user.patients().get(0) + " and none of the other configured patients", () -> {
                    TokenResponse tokens = smart.launch(deployment.demo().publicClient(), user, SCOPE).tokens();
                    assertThat(tokens.patient()).as("patient in context by default").isEqualTo(user.patients().get(0));
                    Response own = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
                    assertThat(own.status()).as(own.toString()).isEqualTo(200);
                    List<String> leaks = new ArrayList<>();
                    for (String other : allPatients) {
                        if (!user.patients().contains(other)) {
                            Response r = smart.read("Patient/" + other, tokens.accessToken());
                            if (r.status() < 400 || r.status() >= 500) {
                                leaks.add("Patient/" + other + " -> " + r.status());
                            }
                        }
                    }
                    assertThat(leaks).as("reads of patients this login is not expected to see").isEmpty();
                }));
    }
}
