package org.portico.conformance;

/**
 * {@link CapabilityStatementChecks} (shipped in the kit's jar) run by failsafe against the deployment of
 * {@link DeploymentExtension}, for the 26 resource types of Inferno's scope lists only: HAPI declares
 * 146 types with about 2,900 search parameters, a few minutes on our CI machines; the CLI checks them all.
 */
class CapabilityStatementIT extends CapabilityStatementChecks {

    CapabilityStatementIT(Deployment deployment) {
        super(deployment);
    }

    @Override
    boolean covers(String type) {
        return G10.TYPES.contains(type);
    }
}
