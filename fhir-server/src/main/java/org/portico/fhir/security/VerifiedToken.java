package org.portico.fhir.security;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.portico.smart.scope.ScopeSet;

/**
 * An access token whose signature and claims have been checked.
 *
 * @param subject   {@code sub}
 * @param clientId  {@code client_id}, or null
 * @param patientId {@code patient} (the Patient in context, no type prefix), or null
 * @param scopes    the granted scopes, parsed by smart-core
 * @param expiresAt {@code exp}
 * @param tokenId   {@code jti}, or null
 * @param fhirUser  {@code fhirUser} (the user's own resource, absolute or relative), or null
 * @param sensitive {@code portico_sensitive}: the sensitive-data labels ({@code system|code}) the bearer may
 *                  see; empty when the claim is absent
 * @param patients  {@code portico_patients}: the patient ids the user may act for ({@code user/} scopes bind to
 *                  them, ADR 0019); empty when the claim is absent
 */
public record VerifiedToken(
        String subject, String clientId, String patientId, ScopeSet scopes, Instant expiresAt, String tokenId, String fhirUser,
        Set<String> sensitive, List<String> patients) {

    public VerifiedToken(String subject, String clientId, String patientId, ScopeSet scopes, Instant expiresAt, String tokenId,
                         String fhirUser, Set<String> sensitive) {
        this(subject, clientId, patientId, scopes, expiresAt, tokenId, fhirUser, sensitive, List.of());
    }

    public VerifiedToken(String subject, String clientId, String patientId, ScopeSet scopes, Instant expiresAt) {
        this(subject, clientId, patientId, scopes, expiresAt, null, null);
    }

    public VerifiedToken(String subject, String clientId, String patientId, ScopeSet scopes, Instant expiresAt, String tokenId,
                         String fhirUser) {
        this(subject, clientId, patientId, scopes, expiresAt, tokenId, fhirUser, Set.of());
    }

    public VerifiedToken {
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(expiresAt, "expiresAt");
        sensitive = sensitive == null ? Set.of() : Set.copyOf(sensitive);
        patients = patients == null ? List.of() : List.copyOf(patients);
    }

    public Optional<String> patient() {
        return Optional.ofNullable(patientId).filter(p -> !p.isBlank());
    }

    public Optional<String> user() {
        return Optional.ofNullable(fhirUser).filter(u -> !u.isBlank());
    }
}
