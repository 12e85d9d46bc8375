package org.portico.conformance;

import java.util.Map;

/** {@link G10SinglePatientApiUsCore6} run by failsafe, with Portico's known gaps (the 6.1.0 ids of {@link G10SinglePatientApiIT}'s). */
class G10SinglePatientApiUsCore6IT extends G10SinglePatientApiUsCore6 {

    G10SinglePatientApiUsCore6IT(Deployment deployment) {
        super(deployment);
    }

    @Override
    protected Map<String, String> knownGaps() {
        return Map.of("10.41.04", G10SinglePatientApiIT.PORTICO_GAPS.get("12.45.04"));
    }
}
