package org.portico.conformance;

/**
 * Scenario 10, Single Patient API, US Core 6.1.0 (the HTI-1 baseline, ids 10.1 - 10.47): the same
 * mechanism as {@link G10SinglePatientApi} with the 6.1.0 table and package (no Location, Average Blood
 * Pressure or preference groups; the 7.0.0-only must-supports left out).
 */
class G10SinglePatientApiUsCore6 extends G10SinglePatientApi {

    G10SinglePatientApiUsCore6(Deployment deployment) {
        super(deployment);
    }

    @Override
    protected String usCoreVersion() {
        return "6.1.0";
    }
}
