package org.portico.conformance;

/** {@link DiscoveryChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class DiscoveryIT extends DiscoveryChecks {

    DiscoveryIT(Deployment deployment) {
        super(deployment);
    }
}
