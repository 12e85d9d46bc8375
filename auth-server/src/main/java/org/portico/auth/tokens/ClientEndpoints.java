package org.portico.auth.tokens;

import org.portico.auth.clients.PrivateKeyJwtAuthenticationConverter;
import org.portico.auth.clients.PrivateKeyJwtDecoderFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * What this package and {@code org.portico.auth.clients} add to SAS's endpoints, applied by
 * {@code AuthorizationServerConfig} in one call:
 * <ul>
 * <li>client authentication: {@code private_key_jwt} with {@code client_id} optional and our assertion rules;
 *     public clients by {@code client_id} on the introspection and revocation endpoints;</li>
 * <li>token endpoint: {@code client_credentials} with SMART {@code system/} scopes;</li>
 * <li>introspection: SMART claims, own tokens only;</li>
 * <li>errors on the token, introspection and revocation endpoints: JSON, 401 for {@code invalid_client}
 *     (also when no client authentication was sent at all), else 400.</li>
 * </ul>
 * SAS applies only the last {@code authenticationProviders(...)} consumer given to a configurer: the client
 * authentication one is set here and nowhere else.
 */
public final class ClientEndpoints {

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationService authorizations;
    private final OAuth2TokenGenerator<?> tokens;
    private final PrivateKeyJwtDecoderFactory assertions;

    public ClientEndpoints(RegisteredClientRepository clients, OAuth2AuthorizationService authorizations,
            OAuth2TokenGenerator<?> tokens, PrivateKeyJwtDecoderFactory assertions) {
        this.clients = clients;
        this.authorizations = authorizations;
        this.tokens = tokens;
        this.assertions = assertions;
    }

    public void configure(HttpSecurity http, OAuth2AuthorizationServerConfigurer authorizationServer) throws Exception {
        OAuthErrorResponses errors = new OAuthErrorResponses();
        authorizationServer
                .clientAuthentication(clientAuthentication -> clientAuthentication
                        .authenticationConverter(new PrivateKeyJwtAuthenticationConverter())
                        .authenticationConverter(PublicClientTokenManagement.converter())
                        .authenticationProvider(PublicClientTokenManagement.provider(clients))
                        .authenticationProviders(providers -> providers.forEach(provider -> {
                            if (provider instanceof JwtClientAssertionAuthenticationProvider jwtAssertions) {
                                jwtAssertions.setJwtDecoderFactory(assertions);
                            }
                        })))
                .tokenEndpoint(tokenEndpoint -> tokenEndpoint
                        .accessTokenRequestConverter(BackendScopes.converter())
                        .authenticationProvider(BackendScopes.provider(authorizations, tokens))
                        .errorResponseHandler(errors))
                .tokenRevocationEndpoint(revocation -> revocation.errorResponseHandler(errors))
                .tokenIntrospectionEndpoint(introspection -> introspection
                        .authenticationProviders(providers -> {
                            providers.removeIf(OAuth2TokenIntrospectionAuthenticationProvider.class::isInstance);
                            providers.add(0, new SmartTokenIntrospection(authorizations, clients));
                        })
                        .errorResponseHandler(errors));
        http.exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                errors, OAuthErrorResponses.clientAuthenticatedEndpoints()));
    }
}
