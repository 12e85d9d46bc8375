package org.portico.fhir.security;

/**
 * The fhir-server cannot tell whether a token's grant was revoked, because the auth-server's
 * revocation feed has not been read for too long. Answered with 503, not 401: the token itself
 * may be fine and the app should retry, not re-authorize.
 */
public final class RevocationStateUnavailableException extends Exception {

    public RevocationStateUnavailableException() {
        super("The server cannot check token revocation right now; try again shortly");
    }
}
