package org.portico.conformance;

import java.util.List;

/**
 * A user's login. {@link #toString()} leaves the password out so it never reaches a test report.
 *
 * @param patients what the configuration expects this login to see: the user's own patient id first,
 *                 then the patients the user may act for; empty when the configuration does not say
 */
public record Credentials(String username, String password, List<String> patients) {

    public Credentials {
        patients = patients == null ? List.of() : List.copyOf(patients);
    }

    public Credentials(String username, String password) {
        this(username, password, List.of());
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + "]";
    }
}
