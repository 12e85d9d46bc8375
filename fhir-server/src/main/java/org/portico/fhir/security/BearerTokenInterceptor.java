package org.portico.fhir.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires a valid Bearer access token on every FHIR request except the CapabilityStatement
 * ({@code GET metadata}), and puts the {@link VerifiedToken} on the request for the authorization
 * interceptors. Failures answer 401 with an RFC 6750 {@code WWW-Authenticate} challenge and an
 * OperationOutcome.
 */
@Interceptor
public final class BearerTokenInterceptor {

    /** Runs before the search-narrowing hook on the same pointcut. */
    public static final int ORDER = -1000;
    private static final String TOKEN_ATTRIBUTE = VerifiedToken.class.getName();
    private static final String BEARER = "bearer ";
    private static final Logger log = LoggerFactory.getLogger("org.portico.fhir.authz");

    private final TokenValidator validator;
    private final String realm;

    public BearerTokenInterceptor(TokenValidator validator, URI fhirBaseUrl) {
        this.validator = validator;
        this.realm = fhirBaseUrl.toString().replace("\"", "");
    }

    /** The verified token of this request, if it has one. */
    public static Optional<VerifiedToken> token(RequestDetails request) {
        return Optional.ofNullable((VerifiedToken) request.getUserData().get(TOKEN_ATTRIBUTE));
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = ORDER)
    public boolean authenticate(RequestDetails request) {
        if (request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
            return true;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw challenge(null);
        }
        try {
            VerifiedToken token = validator.validate(header.substring(BEARER.length()).trim());
            request.getUserData().put(TOKEN_ATTRIBUTE, token);
            log.debug("token accepted: client={} operation={} type={}",
                    token.clientId(), request.getRestOperationType(), request.getResourceName());
            return true;
        } catch (InvalidTokenException e) {
            log.debug("token refused: {} operation={} type={}",
                    e.getMessage(), request.getRestOperationType(), request.getResourceName());
            throw challenge(e.getMessage());
        } catch (RevocationStateUnavailableException e) {
            log.warn("token not checked: revocation feed stale");
            UnclassifiedServerFailureException unavailable = new UnclassifiedServerFailureException(503, e.getMessage());
            unavailable.addResponseHeader("Retry-After", "5");
            throw unavailable;
        }
    }

    private AuthenticationException challenge(String description) {
        if (description == null) {
            AuthenticationException e = new AuthenticationException("An access token is required (Authorization: Bearer)");
            e.addResponseHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
            return e;
        }
        AuthenticationException e = new AuthenticationException(description);
        e.addResponseHeader("WWW-Authenticate", "Bearer realm=\"" + realm
                + "\", error=\"invalid_token\", error_description=\"" + description.replace("\"", "'") + "\"");
        return e;
    }
}
