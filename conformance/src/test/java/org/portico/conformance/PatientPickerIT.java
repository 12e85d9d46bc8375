package org.portico.conformance;

/** {@link PatientPickerChecks} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class PatientPickerIT extends PatientPickerChecks {

    PatientPickerIT(Deployment deployment) {
        super(deployment);
    }
}
