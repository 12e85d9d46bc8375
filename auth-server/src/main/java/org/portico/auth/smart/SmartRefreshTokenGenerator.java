package org.portico.auth.smart;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens per SMART App Launch: only when {@code offline_access} or {@code online_access} was
 * granted, and for public clients too (SAS's own generator never gives public clients one). Every
 * refresh rotates the token (clients are registered with {@code reuseRefreshTokens=false}), and the new
 * one is valid for the whole sliding window again (attestations 11.05 and 11.16: at least 3 months,
 * extended on use). On a refresh that narrows the scope, the grant's own scopes decide.
 */
public final class SmartRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private final StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
    private final Duration slidingWindow;

    /** @param slidingWindow how long each refresh token is valid from its issue ({@code portico.auth.tokens.refresh-token-ttl}) */
    public SmartRefreshTokenGenerator(Duration slidingWindow) {
        this.slidingWindow = slidingWindow;
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || !context.getRegisteredClient().getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)
                || !new LaunchContext(grantedScopes(context)).refreshToken()) {
            return null;
        }
        Instant issuedAt = Instant.now();
        Instant expiresAt = issuedAt.plus(slidingWindow);
        return new OAuth2RefreshToken(values.generateKey(), issuedAt, expiresAt);
    }

    private static Set<String> grantedScopes(OAuth2TokenContext context) {
        if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType()) && context.getAuthorization() != null) {
            return context.getAuthorization().getAuthorizedScopes();
        }
        return context.getAuthorizedScopes();
    }
}
