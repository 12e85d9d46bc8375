package org.portico.fhir.authz;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.List;

/**
 * Rewrites a patient-bound token's searches (and conditional create/update/delete URLs) into the
 * compartments of its patients, so that {@code Observation?code=x} answers the patient's Observations
 * instead of 403. Not a failsafe: {@link ScopeAuthorizationInterceptor} still checks every result.
 * Server-wide ({@code system/}) tokens are not narrowed.
 */
public final class PatientCompartmentNarrowing extends SearchNarrowingInterceptor {

    private final TokenAccess access;

    public PatientCompartmentNarrowing(TokenAccess access) {
        this.access = access;
        setNarrowConditionalUrls(true);
    }

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        AccessPolicy policy = access.of(request).policy();
        List<String> patients = policy.patientIds();
        if (patients.isEmpty() || policy.hasServerWide()) {
            return null;
        }
        return new AuthorizedList().addCompartments(patients.stream()
                .map(id -> ScopeRules.PATIENT_COMPARTMENT + "/" + id)
                .toArray(String[]::new));
    }
}
