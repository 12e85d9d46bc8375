package org.portico.fhir.authz;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;

/**
 * Rewrites a patient-context token's searches into its patient compartment, so that
 * {@code Observation?code=x} answers the patient's Observations instead of 403. Not a failsafe:
 * {@link ScopeAuthorizationInterceptor} still checks every result.
 */
public final class PatientCompartmentNarrowing extends SearchNarrowingInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        return BearerTokenInterceptor.token(request)
                .flatMap(VerifiedToken::patient)
                .map(patient -> new AuthorizedList().addCompartment(ScopeRules.PATIENT_COMPARTMENT + "/" + patient))
                .orElse(null);
    }
}
