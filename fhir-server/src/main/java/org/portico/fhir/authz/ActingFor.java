package org.portico.fhir.authz;

import java.util.List;
import org.portico.fhir.security.VerifiedToken;

/**
 * The patients a token's user may act for, which {@code user/} scopes bind to: the ids the auth-server
 * put in {@code portico_patients} (the user and the people they are a proxy for, decided at issue time,
 * ADR 0019), else the Patient named by the {@code fhirUser} claim when it is a Patient.
 */
@FunctionalInterface
public interface ActingFor {

    /** Patient ids (no type prefix), possibly empty; never null. */
    List<String> patients(VerifiedToken token);

    /** The token's {@code portico_patients} when it has them, else {@link #self()}. */
    static ActingFor claimed() {
        ActingFor self = self();
        return token -> token.patients().isEmpty() ? self.patients(token)
                : token.patients().stream().map(FhirIds::valid).flatMap(java.util.Optional::stream).distinct().toList();
    }

    /** The user themselves, when their {@code fhirUser} is a Patient of this server. */
    static ActingFor self() {
        return token -> token.user()
                .flatMap(FhirIds::patientIdOf)
                .map(List::of)
                .orElse(List.of());
    }
}
