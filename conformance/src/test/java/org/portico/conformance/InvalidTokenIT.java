package org.portico.conformance;

/** {@link InvalidTokenChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class InvalidTokenIT extends InvalidTokenChecks {

    InvalidTokenIT(Deployment deployment) {
        super(deployment);
    }
}
