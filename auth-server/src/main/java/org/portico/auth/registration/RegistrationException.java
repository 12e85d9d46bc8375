package org.portico.auth.registration;

import org.springframework.http.HttpStatus;

/**
 * A registration error, answered as RFC 6749 section 5.2 / RFC 7591 section 3.2.2 JSON
 * ({@code error}, {@code error_description}) with the given status.
 */
public final class RegistrationException extends RuntimeException {

    /** RFC 7591 section 3.2.2. */
    public static final String INVALID_REDIRECT_URI = "invalid_redirect_uri";
    /** RFC 7591 section 3.2.2. */
    public static final String INVALID_CLIENT_METADATA = "invalid_client_metadata";
    /** RFC 6750 section 3.1: missing, wrong or unknown registration (or initial) access token. */
    public static final String INVALID_TOKEN = "invalid_token";

    private final HttpStatus status;
    private final String error;

    private RegistrationException(HttpStatus status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static RegistrationException invalidRedirectUri(String description) {
        return new RegistrationException(HttpStatus.BAD_REQUEST, INVALID_REDIRECT_URI, description);
    }

    public static RegistrationException invalidMetadata(String description) {
        return new RegistrationException(HttpStatus.BAD_REQUEST, INVALID_CLIENT_METADATA, description);
    }

    public static RegistrationException invalidToken(String description) {
        return new RegistrationException(HttpStatus.UNAUTHORIZED, INVALID_TOKEN, description);
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }
}
