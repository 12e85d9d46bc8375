package org.portico.auth.launch;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.smart.AuthorizationErrors;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.StandardScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * The {@code launch} parameter of an EHR launch (SMART App Launch 2, "EHR launch"). Runs after
 * {@code SmartAuthorizationRequestValidator}, so the redirect URI is already validated. A launch value
 * must be known, unexpired, unused, minted for this client and, once the user is signed in, for this
 * user; the request must also ask for the {@code launch} scope. Otherwise {@code invalid_request} to
 * the redirect URI with {@code state}, and no code. The value is redeemed (single use) when the
 * signed-in user's request passes, i.e. before the consent page.
 */
public final class EhrLaunchRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    public static final String LAUNCH_PARAMETER = "launch";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final EhrLaunches launches;
    private final UserAccounts users;

    public EhrLaunchRequestValidator(EhrLaunches launches, UserAccounts users) {
        this.launches = launches;
        this.users = users;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        Object parameter = request.getAdditionalParameters().get(LAUNCH_PARAMETER);
        if (parameter == null) {
            return;
        }
        String clientId = context.getRegisteredClient().getClientId();
        if (!(parameter instanceof String value)) {
            throw deny(request, clientId, "repeated");
        }
        boolean launchScope = request.getScopes().stream()
                .anyMatch(s -> ScopeParser.parse(s) == StandardScope.LAUNCH);
        if (!launchScope) {
            throw deny(request, clientId, "no launch scope");
        }
        Optional<EhrLaunches.EhrLaunch> found = launches.find(value);
        if (found.isEmpty()) {
            throw deny(request, clientId, "unknown");
        }
        EhrLaunches.EhrLaunch launch = found.get();
        if (launch.usedAt() != null) {
            throw deny(request, clientId, "already used");
        }
        if (launch.expired(Instant.now())) {
            throw deny(request, clientId, "expired");
        }
        if (!launch.clientId().equals(clientId)) {
            throw deny(request, clientId, "minted for another client");
        }
        Authentication principal = (Authentication) request.getPrincipal();
        if (principal == null || principal instanceof AnonymousAuthenticationToken || !principal.isAuthenticated()) {
            return; // checked again, and redeemed, once the user has signed in
        }
        Optional<UserAccount> user = users.findByUsername(principal.getName());
        if (user.isEmpty() || !user.get().id().equals(launch.userId())) {
            throw deny(request, clientId, "minted for another user");
        }
        if (!launches.redeem(value)) {
            throw deny(request, clientId, "already used");
        }
        decisions.debug("authorize: client={} EHR launch redeemed", clientId);
    }

    private static RuntimeException deny(OAuth2AuthorizationCodeRequestAuthenticationToken request, String clientId, String reason) {
        decisions.debug("authorize denied: client={} reason=launch {}", clientId, reason);
        return AuthorizationErrors.redirected(OAuth2ErrorCodes.INVALID_REQUEST,
                "OAuth 2.0 Parameter: launch (unknown, expired, already used, or not issued for this app and user)",
                request, request.getRedirectUri());
    }
}
