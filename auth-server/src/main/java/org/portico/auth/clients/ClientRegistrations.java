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

    /**
     * A confidential client that authenticates with {@code private_key_jwt} (SMART "client-confidential-asymmetric",
     * and Backend Services with {@code client_credentials}). Its keys: exactly one of {@code jwksUri} and
     * {@code inlineJwks} (a JWKS JSON with public keys only).
     *
     * @param grantTypes {@code authorization_code} (with {@code refresh_token}) for an app, {@code client_credentials} for a backend client
     * @throws IllegalArgumentException when the keys or grant types do not make a valid registration
     */
    public RegisteredClient privateKeyJwtClient(String clientId, String name, Collection<String> redirectUris,
            Collection<String> scopes, Collection<AuthorizationGrantType> grantTypes, String jwksUri, String inlineJwks) {
        boolean hasUri = jwksUri != null && !jwksUri.isBlank();
        boolean hasInline = inlineJwks != null && !inlineJwks.isBlank();
        if (hasUri == hasInline) {
            throw new IllegalArgumentException("client " + clientId + ": private_key_jwt needs exactly one of jwks_uri and jwks");
        }
        if (grantTypes.isEmpty()) {
            throw new IllegalArgumentException("client " + clientId + ": no grant type");
        }
        if (grantTypes.contains(AuthorizationGrantType.AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
            throw new IllegalArgumentException("client " + clientId + ": authorization_code needs redirect_uris");
        }
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(true)
                // SAS reads a SignatureAlgorithm here as "private_key_jwt"; the assertion may be RS384 or ES384
                .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384);
        if (hasUri) {
            settings.jwkSetUrl(ClientKeySettings.validatedJwksUri(jwksUri));
        } else {
            settings.setting(ClientKeySettings.INLINE_JWKS, ClientKeySettings.validatedInlineJwks(inlineJwks));
        }
        return RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientName(name == null || name.isBlank() ? clientId : name)
                .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                .authorizationGrantTypes(types -> types.addAll(grantTypes))
                .redirectUris(uris -> uris.addAll(redirectUris))
                .scopes(s -> s.addAll(scopes))
                .clientSettings(settings.build())
                .tokenSettings(tokenSettings())
                .build();
    }

    /** The same client, allowed to introspect tokens issued to any client (a resource server). */
    public static RegisteredClient asResourceServer(RegisteredClient client) {
        return RegisteredClient.from(client)
                .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                        .setting(ClientKeySettings.RESOURCE_SERVER, true)
                        .build())
                .build();
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
