package org.portico.auth.proxy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * What follows when a proxy loses some or all of their access to a patient (revoked by the patient or
 * staff, narrowed or suspended by an age rule, expired): the same path every time (ADR 0019). The
 * proxy's grants for that patient, and every grant of theirs with {@code user/} scopes (those cover all
 * the people they act for), are removed through the authorization service, so their refresh tokens fail
 * at once and their grant ids go to the revocation feed (ADR 0003: access tokens refused within the
 * fhir-server's 2 s poll); the proxy's browser sessions end (a session carries no patient, so all of
 * them); the notices go out.
 */
@Component
public class ProxyRevocations {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final UserAccounts users;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public ProxyRevocations(JdbcClient jdbc, OAuth2AuthorizationService authorizations,
            FindByIndexNameSessionRepository<? extends Session> sessions, UserAccounts users, ApplicationEventPublisher events,
            Clock clock) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.sessions = sessions;
        this.users = users;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Ends the proxy's tokens and sessions for the grant's patient and tells both people.
     *
     * @param toProxy   the notice for the proxy, or null
     * @param toPatient the notice for the patient's own account (if they have one), or null
     */
    public void revoke(ProxyGrant grant, AccountNotice.Kind toProxy, AccountNotice.Kind toPatient) {
        UserAccount proxy = users.findById(grant.proxyUserId()).orElse(null);
        if (proxy != null) {
            List<String> ids = jdbc.sql("SELECT a.id FROM oauth2_authorization a LEFT JOIN authorization_launch_context c"
                            + " ON c.authorization_id = a.id WHERE a.principal_name = ? AND (c.patient_id = ? OR a.authorized_scopes LIKE ?)")
                    .params(proxy.username(), grant.patientId(), "%user/%")
                    .query(String.class).list();
            for (String id : ids) {
                OAuth2Authorization authorization = authorizations.findById(id);
                if (authorization != null) {
                    authorizations.remove(authorization);
                }
            }
            sessions.findByPrincipalName(proxy.username()).keySet().forEach(sessions::deleteById);
            decisions.info("proxy grant {} v{} ({}): {} grant(s) revoked, sessions ended", grant.relationshipId(), grant.version(),
                    grant.reason(), ids.size());
            if (toProxy != null) {
                events.publishEvent(new AccountNotice(proxy.id(), toProxy, clock.instant(), Map.of("person", grant.patientName())));
            }
        }
        if (toPatient != null) {
            users.findByPatientId(grant.patientId()).ifPresent(patient -> events.publishEvent(new AccountNotice(patient.id(),
                    toPatient, clock.instant(), Map.of("person", proxy == null ? "" : proxy.displayName()))));
        }
    }
}
