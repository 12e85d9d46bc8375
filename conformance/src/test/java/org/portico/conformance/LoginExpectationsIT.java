package org.portico.conformance;

/** {@link LoginExpectationsChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class LoginExpectationsIT extends LoginExpectationsChecks {

    LoginExpectationsIT(Deployment deployment) {
        super(deployment);
    }
}
