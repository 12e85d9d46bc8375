package org.portico.conformance;

/** {@link G10AuthorizationRequest} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10AuthorizationRequestIT extends G10AuthorizationRequest {

    G10AuthorizationRequestIT(Deployment deployment) {
        super(deployment);
    }
}
