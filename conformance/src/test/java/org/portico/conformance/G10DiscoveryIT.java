package org.portico.conformance;

/** {@link G10Discovery} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10DiscoveryIT extends G10Discovery {

    G10DiscoveryIT(Deployment deployment) {
        super(deployment);
    }
}
