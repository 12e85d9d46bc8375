package org.portico.conformance;

/** {@link StandaloneLaunchChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class StandaloneLaunchIT extends StandaloneLaunchChecks {

    StandaloneLaunchIT(Deployment deployment) {
        super(deployment);
    }
}
