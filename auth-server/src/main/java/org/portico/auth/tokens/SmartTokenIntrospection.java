package org.portico.auth.tokens;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portico.auth.clients.ClientKeySettings;
import org.portico.smart.claims.SmartClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Token introspection (RFC 7662) as SMART App Launch asks (Inferno 9.20): for an active token of ours,
 * {@code active}, {@code scope} (exactly the token's), {@code client_id}, {@code exp}, {@code iat},
 * {@code sub} and {@code iss} (those of the id_token), {@code aud}, {@code token_type}, and the launch
 * context: bare {@code patient}, {@code encounter}, {@code fhirUser}. A refresh token reports the same
 * subject and context, with the grant's scopes and its own {@code exp}/{@code iat}.
 * <p>
 * {@code {"active":false}} and nothing else for a token that is unknown, expired, revoked, or issued to
 * another client (RFC 7662 section 2.2: a client learns only about its own tokens), except that a client
 * registered as a resource server ({@link ClientKeySettings#RESOURCE_SERVER}) may introspect any token.
 * Replaces SAS's provider, which returns the raw stored claims and answers any client about any token.
 */
public final class SmartTokenIntrospection implements AuthenticationProvider {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;

    public SmartTokenIntrospection(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients) {
        this.authorizations = authorizations;
        this.clients = clients;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client)
                || !client.isAuthenticated() || client.getRegisteredClient() == null) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        RegisteredClient caller = client.getRegisteredClient();
        OAuth2Authorization authorization = authorizations.findByToken(request.getToken(), null);
        OAuth2Authorization.Token<OAuth2Token> token = authorization == null ? null : authorization.getToken(request.getToken());
        if (token == null || !token.isActive()) {
            return inactive(request, client);
        }
        if (!caller.getId().equals(authorization.getRegisteredClientId()) && !ClientKeySettings.isResourceServer(caller)) {
            decisions.debug("introspection: client={} asked about another client's token", caller.getClientId());
            return inactive(request, client);
        }
        RegisteredClient owner = clients.findById(authorization.getRegisteredClientId());
        if (owner == null) {
            return inactive(request, client);
        }
        boolean isAccessToken = token.getToken() instanceof OAuth2AccessToken;
        OAuth2Authorization.Token<OAuth2AccessToken> accessToken = authorization.getAccessToken();
        Map<String, Object> claims = isAccessToken ? token.getClaims() : accessToken == null ? null : accessToken.getClaims();
        claims = claims == null ? Map.of() : claims;

        OAuth2TokenIntrospection.Builder response = OAuth2TokenIntrospection.builder(true)
                .clientId(owner.getClientId())
                .issuedAt(token.getToken().getIssuedAt())
                .expiresAt(token.getToken().getExpiresAt());
        Collection<String> scopes = isAccessToken ? scopesOf((OAuth2AccessToken) token.getToken(), claims) : authorization.getAuthorizedScopes();
        if (!scopes.isEmpty()) {
            response.scope(String.join(" ", scopes));
        }
        if (isAccessToken) {
            response.tokenType(OAuth2AccessToken.TokenType.BEARER.getValue());
        }
        string(claims, SmartClaims.SUBJECT).ifPresent(response::subject);
        string(claims, SmartClaims.ISSUER).ifPresent(iss -> response.claim(SmartClaims.ISSUER, iss));
        Object aud = claims.get(SmartClaims.AUDIENCE);
        if (aud instanceof Collection<?> audiences && !audiences.isEmpty()) {
            response.audiences(list -> audiences.forEach(a -> list.add(String.valueOf(a))));
        } else if (aud != null) {
            response.audience(String.valueOf(aud));
        }
        for (String name : List.of(SmartClaims.PATIENT, SmartClaims.ENCOUNTER, SmartClaims.FHIR_USER)) {
            string(claims, name).ifPresent(value -> response.claim(name, value));
        }
        return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client, response.build());
    }

    private static Collection<String> scopesOf(OAuth2AccessToken token, Map<String, Object> claims) {
        Object scope = claims.get(SmartClaims.SCOPE);
        if (scope instanceof String s && !s.isBlank()) {
            return Arrays.stream(s.trim().split(" +")).toList();
        }
        return token.getScopes();
    }

    private static Optional<String> string(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        return value == null || String.valueOf(value).isBlank() ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    private static OAuth2TokenIntrospectionAuthenticationToken inactive(
            OAuth2TokenIntrospectionAuthenticationToken request, OAuth2ClientAuthenticationToken client) {
        return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client, OAuth2TokenIntrospection.builder().build());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
