package org.portico.auth.tokens;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets a public client ({@code token_endpoint_auth_method=none}) revoke (RFC 7009 section 2.1) and introspect
 * its own tokens with only {@code client_id} in the body, as it uses the token endpoint. SAS knows public
 * clients only through PKCE at the code exchange. The revocation and introspection providers then only
 * act on tokens issued to that client, so the client id gives nothing the token holder does not have.
 */
public final class PublicClientTokenManagement {

    private static final Set<String> PATHS = Set.of(AuthEndpoints.REVOCATION_PATH, AuthEndpoints.INTROSPECTION_PATH);
    private static final String MARKER = "portico.public-token-management";
    private static final String RFC6749_2_3 = "https://datatracker.ietf.org/doc/html/rfc6749#section-2.3";

    private PublicClientTokenManagement() {}

    public static AuthenticationConverter converter() {
        return PublicClientTokenManagement::convert;
    }

    public static AuthenticationProvider provider(RegisteredClientRepository clients) {
        return new Provider(clients);
    }

    private static Authentication convert(HttpServletRequest request) {
        if (!HttpMethod.POST.matches(request.getMethod()) || !PATHS.contains(request.getServletPath())
                || request.getHeader(HttpHeaders.AUTHORIZATION) != null
                || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
                || request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null
                || request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE) != null) {
            return null;
        }
        String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
        if (clientIds == null || clientIds.length != 1 || clientIds[0].isBlank()) {
            return null;
        }
        return new OAuth2ClientAuthenticationToken(clientIds[0], ClientAuthenticationMethod.NONE, null, Map.of(MARKER, true));
    }

    private static final class Provider implements AuthenticationProvider {

        private final RegisteredClientRepository clients;

        Provider(RegisteredClientRepository clients) {
            this.clients = clients;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            OAuth2ClientAuthenticationToken client = (OAuth2ClientAuthenticationToken) authentication;
            if (!ClientAuthenticationMethod.NONE.equals(client.getClientAuthenticationMethod())
                    || !Boolean.TRUE.equals(client.getAdditionalParameters().get(MARKER))) {
                return null;
            }
            RegisteredClient registered = clients.findByClientId((String) client.getPrincipal());
            if (registered == null || !registered.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        "Client authentication failed: " + OAuth2ParameterNames.CLIENT_ID, RFC6749_2_3));
            }
            return new OAuth2ClientAuthenticationToken(registered, ClientAuthenticationMethod.NONE, null);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }
}
