package org.portico.conformance;

/** {@link G10AdditionalAuthorization} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10AdditionalAuthorizationIT extends G10AdditionalAuthorization {

    G10AdditionalAuthorizationIT(Deployment deployment) {
        super(deployment);
    }
}
