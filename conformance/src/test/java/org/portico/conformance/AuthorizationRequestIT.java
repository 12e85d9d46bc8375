package org.portico.conformance;

/** {@link AuthorizationRequestChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class AuthorizationRequestIT extends AuthorizationRequestChecks {

    AuthorizationRequestIT(Deployment deployment) {
        super(deployment);
    }
}
