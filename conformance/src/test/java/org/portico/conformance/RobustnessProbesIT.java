package org.portico.conformance;

/** {@link RobustnessProbes} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class RobustnessProbesIT extends RobustnessProbes {

    RobustnessProbesIT(Deployment deployment) {
        super(deployment);
    }
}
