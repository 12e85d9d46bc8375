package org.portico.auth.smart;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * Authorization-endpoint errors (RFC 6749 section 4.1.2.1). An error that carries a redirect URI
 * is sent back to the client with {@code state}; one without is answered here with a 400 page.
 */
public final class AuthorizationErrors {

    static final String RFC6749_4_1_2_1 = "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1";

    private AuthorizationErrors() {}

    /** An error about the client or its redirect URI: never redirected (RFC 6749 section 4.1.2.1, first paragraph). */
    static OAuth2AuthorizationCodeRequestAuthenticationException withoutRedirect(
            String parameter, OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return exception(OAuth2ErrorCodes.INVALID_REQUEST, "OAuth 2.0 Parameter: " + parameter, request, null);
    }

    /** An error returned to the (already validated) redirect URI with the client's {@code state}. */
    public static OAuth2AuthorizationCodeRequestAuthenticationException redirected(
            String errorCode, String description, OAuth2AuthorizationCodeRequestAuthenticationToken request,
            String validatedRedirectUri) {
        return exception(errorCode, description, request, validatedRedirectUri);
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException exception(
            String errorCode, String description, OAuth2AuthorizationCodeRequestAuthenticationToken request,
            String redirectUri) {
        OAuth2Error error = new OAuth2Error(errorCode, description, RFC6749_4_1_2_1);
        OAuth2AuthorizationCodeRequestAuthenticationToken result = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                request.getAuthorizationUri(),
                request.getClientId(),
                (Authentication) request.getPrincipal(),
                redirectUri,
                request.getState(),
                request.getScopes(),
                request.getAdditionalParameters());
        result.setAuthenticated(true);
        return new OAuth2AuthorizationCodeRequestAuthenticationException(error, result);
    }
}
