package org.portico.auth.smart;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Refresh token rotation with reuse detection (OAuth 2.0 Security BCP section 4.14.2): when a
 * refresh token is rotated, a hash of the old one is remembered; if it is presented again, someone
 * holds a copy, so the whole authorization (its current refresh and access tokens) is revoked.
 * Wraps the JDBC authorization service; SAS is unchanged.
 */
public final class RefreshTokenReuseDetection implements OAuth2AuthorizationService {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final OAuth2AuthorizationService delegate;
    private final JdbcClient jdbc;

    public RefreshTokenReuseDetection(OAuth2AuthorizationService delegate, JdbcClient jdbc) {
        this.delegate = delegate;
        this.jdbc = jdbc;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2RefreshToken> next = authorization.getRefreshToken();
        if (next != null) {
            OAuth2Authorization stored = delegate.findById(authorization.getId());
            OAuth2Authorization.Token<OAuth2RefreshToken> previous = stored == null ? null : stored.getRefreshToken();
            if (previous != null && !previous.getToken().getTokenValue().equals(next.getToken().getTokenValue())) {
                jdbc.sql("INSERT INTO rotated_refresh_tokens (token_hash, authorization_id) VALUES (?, ?)")
                        .params(hash(previous.getToken().getTokenValue()), authorization.getId())
                        .update();
            }
        }
        delegate.save(authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        delegate.remove(authorization);
        jdbc.sql("DELETE FROM rotated_refresh_tokens WHERE authorization_id = ?").param(authorization.getId()).update();
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        OAuth2Authorization found = delegate.findByToken(token, tokenType);
        if (found == null && OAuth2TokenType.REFRESH_TOKEN.equals(tokenType)) {
            rotatedFrom(token).map(delegate::findById).ifPresent(family -> {
                decisions.info("refresh token reuse: revoking authorization of client {}", family.getRegisteredClientId());
                remove(family);
            });
        }
        return found;
    }

    private Optional<String> rotatedFrom(String token) {
        return jdbc.sql("SELECT authorization_id FROM rotated_refresh_tokens WHERE token_hash = ?")
                .param(hash(token))
                .query(String.class)
                .optional();
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
