package org.portico.auth.account;

import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.stereotype.Component;

/**
 * The authorizations (grants) an app holds, per user or in all. SAS's {@link OAuth2AuthorizationService}
 * has no query by user or client, so the ids come from its table; loading and removing go through the
 * service, so that whatever wraps it (refresh-token reuse detection, the revocation feed) sees every
 * removal.
 */
@Component
public class AppGrants {

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final OAuth2AuthorizationConsentService consents;

    public AppGrants(JdbcClient jdbc, OAuth2AuthorizationService authorizations, OAuth2AuthorizationConsentService consents) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.consents = consents;
    }

    /** Every authorization of the user, of any app. */
    public List<OAuth2Authorization> ofUser(String principalName) {
        return load(jdbc.sql("SELECT id FROM oauth2_authorization WHERE principal_name = ?")
                .param(principalName)
                .query(String.class)
                .list());
    }

    /**
     * Removes every authorization the user gave the app, and the consent record: its refresh tokens
     * stop working at once. Returns how many authorizations were removed.
     */
    public int revoke(String registeredClientId, String principalName) {
        List<OAuth2Authorization> grants = load(jdbc.sql(
                        "SELECT id FROM oauth2_authorization WHERE registered_client_id = ? AND principal_name = ?")
                .params(registeredClientId, principalName)
                .query(String.class)
                .list());
        grants.forEach(authorizations::remove);
        OAuth2AuthorizationConsent consent = consents.findById(registeredClientId, principalName);
        if (consent != null) {
            consents.remove(consent);
        }
        return grants.size();
    }

    /** Removes every authorization and consent of the app, for all users (the app is being deleted). */
    public void revokeAll(String registeredClientId) {
        List<String> principals = jdbc.sql(
                        "SELECT DISTINCT principal_name FROM oauth2_authorization WHERE registered_client_id = ?"
                                + " UNION SELECT principal_name FROM oauth2_authorization_consent WHERE registered_client_id = ?")
                .params(registeredClientId, registeredClientId)
                .query(String.class)
                .list();
        principals.forEach(principal -> revoke(registeredClientId, principal));
    }

    private List<OAuth2Authorization> load(List<String> ids) {
        return ids.stream().map(authorizations::findById).filter(Objects::nonNull).toList();
    }
}
