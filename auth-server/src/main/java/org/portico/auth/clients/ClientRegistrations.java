package org.portico.auth.clients;

import java.util.Collection;
import java.util.UUID;
import org.portico.auth.config.AuthProperties;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * Builds SMART app registrations: authorization code + refresh token grants, PKCE required,
 * consent every time, our token lifetimes, refresh tokens rotated on every use.
 */
@Component
public class ClientRegistrations {

    private final AuthProperties.Tokens tokens;

    public ClientRegistrations(AuthProperties properties) {
        this.tokens = properties.tokens();
    }

    /** A public client (no secret, {@code token_endpoint_auth_method=none}). */
    public RegisteredClient publicClient(String clientId, String name, Collection<String> redirectUris, Collection<String> scopes) {
        return base(clientId, name, redirectUris, scopes)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .build();
    }

    /** A confidential client using HTTP Basic; {@code encodedSecret} is already hashed. */
    public RegisteredClient confidentialClient(
            String clientId, String name, String encodedSecret, Collection<String> redirectUris, Collection<String> scopes) {
        return base(clientId, name, redirectUris, scopes)
                .clientSecret(encodedSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .build();
    }

    private RegisteredClient.Builder base(String clientId, String name, Collection<String> redirectUris, Collection<String> scopes) {
        return RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientName(name == null || name.isBlank() ? clientId : name)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(redirectUris))
                .scopes(s -> s.addAll(scopes))
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(true)
                        .build())
                .tokenSettings(tokenSettings());
    }

    /** Token lifetimes and refresh rotation shared by every client, also the dynamically registered ones. */
    public TokenSettings tokenSettings() {
        return TokenSettings.builder()
                .accessTokenTimeToLive(tokens.accessTokenTtl())
                .authorizationCodeTimeToLive(tokens.authorizationCodeTtl())
                .refreshTokenTimeToLive(tokens.refreshTokenTtl())
                .reuseRefreshTokens(false)
                .idTokenSignatureAlgorithm(SignatureAlgorithm.RS256)
                .build();
    }
}
