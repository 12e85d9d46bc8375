package org.portico.conformance;

/** {@link G10LimitedAccess} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10LimitedAccessIT extends G10LimitedAccess {

    G10LimitedAccessIT(Deployment deployment) {
        super(deployment);
    }
}
