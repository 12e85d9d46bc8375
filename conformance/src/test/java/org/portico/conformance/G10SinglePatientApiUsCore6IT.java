package org.portico.conformance;

/** {@link G10SinglePatientApiUsCore6} run by failsafe: Portico has no known gap in scenario 10. */
class G10SinglePatientApiUsCore6IT extends G10SinglePatientApiUsCore6 {

    G10SinglePatientApiUsCore6IT(Deployment deployment) {
        super(deployment);
    }
}
