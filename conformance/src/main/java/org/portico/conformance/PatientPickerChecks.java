package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The patient picker through {@link LoginDriver}: the user who acts for another patient (the first
 * configured login with {@code acts_for}; in Portico's demo raymon, who looks after chet) sees the
 * picker; the default choice is the user's own record, and choosing the other patient puts that
 * patient in context while {@code fhirUser} stays the user.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientPickerChecks {

    private static final String SCOPE = "launch/patient openid fhirUser offline_access patient/Patient.rs";

    private final Deployment deployment;
    private final SmartClient smart;
    private final ClientRegistration client;
    private Credentials proxy;
    private String actedFor;

    PatientPickerChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.client = deployment.demo().publicClient();
    }

    /**
     * The proxy is the first login whose configuration says it acts for someone ({@code acts_for});
     * without such expectations, the third login acting for the second (Portico's demo).
     */
    @BeforeAll
    void learnTheOtherPatient() {
        var configured = deployment.demo().users().stream().filter(u -> u.patients().size() > 1).findFirst();
        if (configured.isPresent()) {
            proxy = configured.get();
            actedFor = proxy.patients().get(1);
        } else {
            proxy = deployment.demo().user(2);
            actedFor = smart.launch(client, deployment.demo().user(1), SCOPE).tokens().patient();
        }
    }

    @Test
    void pickerDefaultIsTheUsersOwnRecord() throws Exception {
        TokenResponse tokens = smart.launch(client, proxy, SCOPE).tokens();
        assertThat(tokens.patient()).isNotEqualTo(actedFor);
        assertThat(SignedJWT.parse(tokens.idToken()).getJWTClaimsSet().getStringClaim("fhirUser"))
                .endsWith("Patient/" + tokens.patient());
    }

    @Test
    void choosingAnotherPatientPutsThatPatientInContext() throws Exception {
        Launch launch = smart.launch(client.clientId(), client.redirectUri(), ClientAuthentication.of(client),
                proxy, SCOPE, LoginDriver.Choices.pickPatient(actedFor));
        assertThat(launch.authorization().trail()).as(launch.authorization().describe())
                .anySatisfy(step -> assertThat(step).contains("patient=" + actedFor));
        TokenResponse tokens = launch.tokens();
        assertThat(tokens.patient()).isEqualTo(actedFor);
        assertThat(smart.read("Patient/" + actedFor, tokens.accessToken()).status()).isEqualTo(200);
        assertThat(SignedJWT.parse(tokens.idToken()).getJWTClaimsSet().getStringClaim("fhirUser"))
                .doesNotEndWith("Patient/" + actedFor);
    }
}
