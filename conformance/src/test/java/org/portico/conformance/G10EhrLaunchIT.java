package org.portico.conformance;

/** {@link G10EhrLaunch} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10EhrLaunchIT extends G10EhrLaunch {

    G10EhrLaunchIT(Deployment deployment) {
        super(deployment);
    }
}
