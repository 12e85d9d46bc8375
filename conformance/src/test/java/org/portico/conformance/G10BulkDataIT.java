package org.portico.conformance;

import java.util.Map;

/** {@link G10BulkData} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10BulkDataIT extends G10BulkData {

    /** Greppable: PORTICO-GAP. */
    static final Map<String, String> PORTICO_GAPS = Map.of(
            "Location", "PORTICO-GAP(Group export): HAPI 8.8's Group and Patient export add only Practitioner and"
                    + " Organization beyond the patients' compartments (JpaBulkExportProcessor"
                    + " PATIENT_BULK_EXPORT_FORWARD_REFERENCE_RESOURCE_TYPES), so the Locations the group's data refers to"
                    + " are not exported; Portico must add them (its DirectoryEntries knows which they are)");

    G10BulkDataIT(Deployment deployment) {
        super(deployment);
    }

    @Override
    protected Map<String, String> knownGapTypes() {
        return PORTICO_GAPS;
    }
}
