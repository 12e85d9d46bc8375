package org.portico.conformance;

/** A user's login. {@link #toString()} leaves the password out so it never reaches a test report. */
public record Credentials(String username, String password) {

    @Override
    public String toString() {
        return "Credentials[username=" + username + "]";
    }
}
