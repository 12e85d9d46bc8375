package org.portico.auth.smart;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Wraps SAS's authorization request converter and drops the requested scopes the client may not
 * have ({@link ScopeFilter}), so that the rest of SAS (consent, authorization, tokens) only ever sees
 * allowed scopes. SMART apps often ask for more than they are registered for; that is not an error.
 * Requests for unknown clients pass unchanged: SAS rejects them with a 400.
 */
public final class SmartAuthorizationRequestConverter implements AuthenticationConverter {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final AuthenticationConverter delegate;
    private final RegisteredClientRepository clients;

    public SmartAuthorizationRequestConverter(AuthenticationConverter delegate, RegisteredClientRepository clients) {
        this.delegate = delegate;
        this.clients = clients;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        Authentication authentication = delegate.convert(request);
        if (authentication == null || authentication.getClass() != OAuth2AuthorizationCodeRequestAuthenticationToken.class) {
            return authentication;
        }
        OAuth2AuthorizationCodeRequestAuthenticationToken codeRequest = (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
        RegisteredClient client = clients.findByClientId(codeRequest.getClientId());
        if (client == null) {
            return authentication;
        }
        Set<String> allowed = new ScopeFilter(client.getScopes()).allowed(codeRequest.getScopes());
        if (allowed.size() != codeRequest.getScopes().size()) {
            decisions.debug("authorize: client={} dropped {} scope(s) not allowed for it",
                    client.getClientId(), codeRequest.getScopes().size() - allowed.size());
        }
        return new OAuth2AuthorizationCodeRequestAuthenticationToken(
                codeRequest.getAuthorizationUri(),
                codeRequest.getClientId(),
                (Authentication) codeRequest.getPrincipal(),
                codeRequest.getRedirectUri(),
                codeRequest.getState(),
                allowed,
                codeRequest.getAdditionalParameters());
    }
}
