package org.portico.conformance;

/** {@link PatientIsolationChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class PatientIsolationIT extends PatientIsolationChecks {

    PatientIsolationIT(Deployment deployment) {
        super(deployment);
    }
}
