package org.portico.conformance;

import java.util.Map;

/** {@link G10BulkData} (shipped in the kit's jar) run by failsafe against the deployment of {@link DeploymentExtension}. */
class G10BulkDataIT extends G10BulkData {

    /** Greppable: PORTICO-GAP. US Core profiles (8.3.08) Portico's export is known not to pass yet: none. */
    static final Map<String, String> PORTICO_GAPS = Map.of();

    G10BulkDataIT(Deployment deployment) {
        super(deployment);
    }

    @Override
    protected Map<String, String> knownProfileGaps() {
        return PORTICO_GAPS;
    }
}
