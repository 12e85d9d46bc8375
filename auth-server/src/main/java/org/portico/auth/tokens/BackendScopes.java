package org.portico.auth.tokens;

import java.util.Set;
import org.portico.auth.smart.ScopeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ClientCredentialsAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Scopes of the {@code client_credentials} grant (SMART Backend Services): the granted scope is the
 * requested scopes the client is registered for, where a registered {@code system/*.rs} covers
 * {@code system/Patient.rs} and {@code system/*.read} ({@link ScopeFilter}); the rest is dropped, as on the
 * authorization endpoint. No scope, or none left: {@code invalid_scope} (400). SAS would only accept
 * scopes registered letter for letter.
 */
public final class BackendScopes {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private static final String RFC6749_5_2 = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2";

    private BackendScopes() {}

    /** Reads the request as SAS does, then narrows the scopes to what the authenticated client may have. */
    public static AuthenticationConverter converter() {
        OAuth2ClientCredentialsAuthenticationConverter delegate = new OAuth2ClientCredentialsAuthenticationConverter();
        return request -> narrow(delegate.convert(request));
    }

    /** SAS's client-credentials provider with a validator that knows the SMART scope grammar. */
    public static OAuth2ClientCredentialsAuthenticationProvider provider(
            OAuth2AuthorizationService authorizations, OAuth2TokenGenerator<?> tokens) {
        OAuth2ClientCredentialsAuthenticationProvider provider = new OAuth2ClientCredentialsAuthenticationProvider(authorizations, tokens);
        provider.setAuthenticationValidator(BackendScopes::validate);
        return provider;
    }

    private static Authentication narrow(Authentication converted) {
        if (!(converted instanceof OAuth2ClientCredentialsAuthenticationToken request)
                || !(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client)
                || client.getRegisteredClient() == null) {
            return converted;
        }
        RegisteredClient registered = client.getRegisteredClient();
        if (request.getScopes().isEmpty()) {
            throw invalidScope("scope is required (for example system/*.rs)");
        }
        Set<String> allowed = new ScopeFilter(registered.getScopes()).allowed(request.getScopes());
        if (allowed.isEmpty()) {
            decisions.debug("client_credentials denied: client={} reason=no allowed scope", registered.getClientId());
            throw invalidScope("none of the requested scopes is allowed for this client");
        }
        if (allowed.size() != request.getScopes().size()) {
            decisions.debug("client_credentials: client={} dropped {} scope(s) not allowed for it",
                    registered.getClientId(), request.getScopes().size() - allowed.size());
        }
        return new OAuth2ClientCredentialsAuthenticationToken(client, allowed, request.getAdditionalParameters());
    }

    private static void validate(OAuth2ClientCredentialsAuthenticationContext context) {
        OAuth2ClientCredentialsAuthenticationToken request = context.getAuthentication();
        Set<String> allowed = new ScopeFilter(context.getRegisteredClient().getScopes()).allowed(request.getScopes());
        if (request.getScopes().isEmpty() || allowed.size() != request.getScopes().size()) {
            throw invalidScope("none of the requested scopes is allowed for this client");
        }
    }

    private static OAuth2AuthenticationException invalidScope(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, description, RFC6749_5_2));
    }
}
