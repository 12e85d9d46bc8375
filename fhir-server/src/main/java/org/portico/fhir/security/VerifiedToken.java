package org.portico.fhir.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.portico.smart.scope.ScopeSet;

/**
 * An access token whose signature and claims have been checked.
 *
 * @param subject   {@code sub}
 * @param clientId  {@code client_id}, or null
 * @param patientId {@code patient} (the Patient in context, no type prefix), or null
 * @param scopes    the granted scopes, parsed by smart-core
 * @param expiresAt {@code exp}
 */
public record VerifiedToken(String subject, String clientId, String patientId, ScopeSet scopes, Instant expiresAt) {

    public VerifiedToken {
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public Optional<String> patient() {
        return Optional.ofNullable(patientId).filter(p -> !p.isBlank());
    }
}
