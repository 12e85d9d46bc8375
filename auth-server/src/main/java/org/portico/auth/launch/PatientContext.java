package org.portico.auth.launch;

import java.util.Collection;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.ScopeSet;
import org.portico.smart.scope.StandardScope;

/** Whether a request needs a patient in context: {@code launch/patient} or any {@code patient/} scope. */
public final class PatientContext {

    private PatientContext() {}

    public static boolean needed(Collection<String> scopes) {
        ScopeSet set = ScopeParser.parseAll(String.join(" ", scopes));
        return set.contains(StandardScope.LAUNCH_PATIENT) || !set.resourceScopes(Compartment.PATIENT).isEmpty();
    }
}
