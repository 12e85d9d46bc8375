package org.portico.fhir.security;

/** A bearer token that must be refused; the message is safe to show to the client (no token content). */
public final class InvalidTokenException extends Exception {

    public InvalidTokenException(String description) {
        super(description, null, false, false);
    }
}
