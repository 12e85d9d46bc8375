package org.portico.conformance;

/** {@link G10StandaloneLaunch} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10StandaloneLaunchIT extends G10StandaloneLaunch {

    G10StandaloneLaunchIT(Deployment deployment) {
        super(deployment);
    }
}
