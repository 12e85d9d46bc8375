package org.portico.auth.smart;

import java.util.Collection;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.ScopeSet;
import org.portico.smart.scope.StandardScope;

/** What a set of granted scopes implies for the token's launch context. */
final class LaunchContext {

    private final ScopeSet granted;

    LaunchContext(Collection<String> grantedScopes) {
        this.granted = ScopeParser.parseAll(String.join(" ", grantedScopes));
    }

    /** A patient is in context for {@code launch/patient} and for any {@code patient/} scope. */
    boolean hasPatient() {
        return granted.contains(StandardScope.LAUNCH_PATIENT) || !granted.resourceScopes(Compartment.PATIENT).isEmpty();
    }

    boolean fhirUser() {
        return granted.contains(StandardScope.FHIR_USER);
    }

    boolean refreshToken() {
        return granted.requestsRefreshToken();
    }
}
