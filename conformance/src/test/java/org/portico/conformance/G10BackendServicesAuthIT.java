package org.portico.conformance;

/** {@link G10BackendServicesAuth} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10BackendServicesAuthIT extends G10BackendServicesAuth {

    G10BackendServicesAuthIT(Deployment deployment) {
        super(deployment);
    }
}
