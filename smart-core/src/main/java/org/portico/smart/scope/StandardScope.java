package org.portico.smart.scope;

import java.util.Optional;

/** The fixed, non-resource scopes of SMART App Launch and OpenID Connect. */
public enum StandardScope implements Scope {
    OPENID("openid"),
    FHIR_USER("fhirUser"),
    PROFILE("profile"),
    LAUNCH("launch"),
    LAUNCH_PATIENT("launch/patient"),
    LAUNCH_ENCOUNTER("launch/encounter"),
    OFFLINE_ACCESS("offline_access"),
    ONLINE_ACCESS("online_access");

    private final String value;

    StandardScope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    @Override
    public String original() {
        return value;
    }

    @Override
    public String normalized() {
        return value;
    }

    /** Exact, case-sensitive match, as OAuth scope tokens are case-sensitive (RFC 6749 section 3.3). */
    public static Optional<StandardScope> of(String token) {
        for (StandardScope s : values()) {
            if (s.value.equals(token)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether the scope asks for a refresh token. */
    public boolean requestsRefreshToken() {
        return this == OFFLINE_ACCESS || this == ONLINE_ACCESS;
    }
}
