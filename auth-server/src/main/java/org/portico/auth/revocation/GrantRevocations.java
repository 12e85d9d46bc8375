package org.portico.auth.revocation;

import org.portico.auth.tokens.GrantIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The one place every revocation goes through (ADR 0003). Wraps the authorization store, under the
 * refresh-token reuse detection, so that:
 * <ul>
 * <li>every authorization gets its grant id ({@link GrantIds}) when first stored;</li>
 * <li>{@link #remove} of an authorization that issued tokens (the connected-apps page, refresh-token
 *     reuse, any future caller) records its grant in the {@link RevocationFeed};</li>
 * <li>a save that newly invalidates an access or refresh token (RFC 7009 revocation, SAS's reaction to
 *     a reused authorization code) revokes the whole grant instead: the authorization is removed, so its
 *     refresh token fails at once, and the grant is recorded.</li>
 * </ul>
 */
public final class GrantRevocations implements OAuth2AuthorizationService {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final OAuth2AuthorizationService delegate;
    private final RevocationFeed feed;

    public GrantRevocations(OAuth2AuthorizationService delegate, RevocationFeed feed) {
        this.delegate = delegate;
        this.feed = feed;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        OAuth2Authorization stored = delegate.findById(authorization.getId());
        if (stored != null && (newlyInvalidated(stored.getAccessToken(), authorization.getAccessToken())
                || newlyInvalidated(stored.getRefreshToken(), authorization.getRefreshToken()))) {
            decisions.info("token revoked: revoking the grant of client {}", authorization.getRegisteredClientId());
            remove(stored);
            return;
        }
        if (!(authorization.getAttribute(GrantIds.ATTRIBUTE) instanceof String)) {
            String grant = GrantIds.of(stored);
            if (grant == null) {
                grant = GrantIds.of(authorization);
            }
            String id = grant != null ? grant : GrantIds.newId();
            authorization = OAuth2Authorization.from(authorization).attribute(GrantIds.ATTRIBUTE, id).build();
        }
        delegate.save(authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        OAuth2Authorization stored = authorization.getAccessToken() != null ? authorization : delegate.findById(authorization.getId());
        delegate.remove(authorization);
        String grant = GrantIds.of(stored);
        if (stored != null && stored.getAccessToken() != null && grant != null) {
            feed.record(grant);
        }
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return delegate.findByToken(token, tokenType);
    }

    private static boolean newlyInvalidated(OAuth2Authorization.Token<? extends OAuth2Token> before,
            OAuth2Authorization.Token<? extends OAuth2Token> after) {
        return before != null && after != null && !before.isInvalidated() && after.isInvalidated()
                && before.getToken().getTokenValue().equals(after.getToken().getTokenValue());
    }
}
