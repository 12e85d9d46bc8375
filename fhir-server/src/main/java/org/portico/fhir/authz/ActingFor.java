package org.portico.fhir.authz;

import java.util.List;
import org.portico.fhir.security.VerifiedToken;

/**
 * The patients a token's user may act for, which {@code user/} scopes bind to. Today: the Patient
 * named by the {@code fhirUser} claim when it is a Patient. Proxy access (people the user is a
 * proxy for) plugs in here as another implementation returning more ids.
 */
@FunctionalInterface
public interface ActingFor {

    /** Patient ids (no type prefix), possibly empty; never null. */
    List<String> patients(VerifiedToken token);

    /** The user themselves, when their {@code fhirUser} is a Patient of this server. */
    static ActingFor self() {
        return token -> token.user()
                .flatMap(FhirIds::patientIdOf)
                .map(List::of)
                .orElse(List.of());
    }
}
