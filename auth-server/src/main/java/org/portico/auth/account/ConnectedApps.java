package org.portico.auth.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.portico.auth.consent.ScopeDescriptions;
import org.portico.auth.registration.RegisteredApps;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.StandardScope;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Service;

/**
 * The apps a patient has connected: every app holding a grant of theirs that still works (an
 * unexpired access token, or a refresh token that can get one), with what the grants allow, since
 * when and when the app last got a token.
 */
@Service
public class ConnectedApps {

    private final AppGrants grants;
    private final RegisteredClientRepository clients;

    private final ScopeDescriptions descriptions;

    public ConnectedApps(AppGrants grants, RegisteredClientRepository clients, ScopeDescriptions descriptions) {
        this.descriptions = descriptions;
        this.grants = grants;
        this.clients = clients;
    }

    /** One row of the page. Times are null when unknown. */
    public record ConnectedApp(
            String clientId,
            String name,
            boolean verified,
            List<String> resourceAccess,
            List<String> otherAccess,
            Instant since,
            Instant lastToken,
            boolean offlineAccess) {}

    public List<ConnectedApp> of(String principalName) {
        Map<String, List<OAuth2Authorization>> byApp = new LinkedHashMap<>();
        for (OAuth2Authorization grant : grants.ofUser(principalName)) {
            byApp.computeIfAbsent(grant.getRegisteredClientId(), k -> new ArrayList<>()).add(grant);
        }
        Instant now = Instant.now();
        List<ConnectedApp> apps = new ArrayList<>();
        byApp.forEach((registeredClientId, appGrants) -> {
            List<OAuth2Authorization> live = appGrants.stream().filter(g -> isLive(g, now)).toList();
            RegisteredClient client = clients.findById(registeredClientId);
            if (live.isEmpty() || client == null) {
                return;
            }
            Set<String> scopes = new LinkedHashSet<>();
            live.forEach(g -> scopes.addAll(g.getAuthorizedScopes()));
            List<String> resources = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (String token : scopes) {
                Scope scope = ScopeParser.parse(token);
                if (scope instanceof ResourceScope resource) {
                    resources.add(descriptions.describe(resource));
                } else if (scope instanceof StandardScope standard) {
                    others.add(descriptions.describe(standard));
                }
            }
            boolean offline = live.stream().anyMatch(g -> g.getAuthorizedScopes().contains(StandardScope.OFFLINE_ACCESS.value())
                    && usable(g.getRefreshToken(), now));
            apps.add(new ConnectedApp(
                    client.getClientId(),
                    client.getClientName(),
                    RegisteredApps.isVerified(client),
                    resources,
                    others,
                    appGrants.stream().map(ConnectedApps::authorizedAt).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null),
                    appGrants.stream().map(g -> issuedAt(g.getAccessToken())).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null),
                    offline));
        });
        apps.sort(Comparator.comparing(ConnectedApp::lastToken, Comparator.nullsLast(Comparator.reverseOrder())));
        return apps;
    }

    /** Revokes every grant the patient gave the app; false if the app is unknown or held none. */
    public boolean revoke(String principalName, String clientId) {
        RegisteredClient client = clients.findByClientId(clientId);
        return client != null && grants.revoke(client.getId(), principalName) > 0;
    }

    private static boolean isLive(OAuth2Authorization grant, Instant now) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = grant.getAccessToken();
        return access != null && (usable(access, now) || usable(grant.getRefreshToken(), now));
    }

    private static boolean usable(OAuth2Authorization.Token<? extends AbstractOAuth2Token> token, Instant now) {
        return token != null && !token.isInvalidated()
                && (token.getToken().getExpiresAt() == null || token.getToken().getExpiresAt().isAfter(now));
    }

    private static Instant authorizedAt(OAuth2Authorization grant) {
        OAuth2Authorization.Token<OAuth2AuthorizationCode> code = grant.getToken(OAuth2AuthorizationCode.class);
        Instant codeIssued = code == null ? null : code.getToken().getIssuedAt();
        return codeIssued != null ? codeIssued : issuedAt(grant.getAccessToken());
    }

    private static Instant issuedAt(OAuth2Authorization.Token<? extends AbstractOAuth2Token> token) {
        return token == null ? null : token.getToken().getIssuedAt();
    }
}
