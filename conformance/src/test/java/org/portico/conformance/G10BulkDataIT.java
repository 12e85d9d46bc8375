package org.portico.conformance;

/** {@link G10BulkData} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10BulkDataIT extends G10BulkData {

    G10BulkDataIT(Deployment deployment) {
        super(deployment);
    }
}
