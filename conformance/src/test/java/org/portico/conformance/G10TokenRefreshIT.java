package org.portico.conformance;

/** {@link G10TokenRefresh} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10TokenRefreshIT extends G10TokenRefresh {

    G10TokenRefreshIT(Deployment deployment) {
        super(deployment);
    }
}
