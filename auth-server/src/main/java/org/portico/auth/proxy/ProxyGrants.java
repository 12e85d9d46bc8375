package org.portico.auth.proxy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code proxy_grants} table: every version of every proxy relationship. Nothing is updated in
 * place except the {@code superseded_at} of the version a new one replaces, so the table is its own
 * audit trail (who decided, under which rule, and each change since).
 */
@Repository
public class ProxyGrants {

    private static final String COLUMNS = "id, relationship_id, version, proxy_user_id, patient_id, patient_name, access_level,"
            + " valid_from, valid_until, decided_by, decided_by_user_id, document_reference, rule_id, rule_version, age_phase,"
            + " patient_birth_date, patient_state, state, reason, recorded_at";

    private final JdbcClient jdbc;
    private final Clock clock;

    public ProxyGrants(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The current versions of the relationships in which this account is the proxy, oldest first. */
    public List<ProxyGrant> ofProxy(String proxyUserId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM proxy_grants WHERE proxy_user_id = ? AND superseded_at IS NULL"
                        + " ORDER BY valid_from, patient_name, relationship_id")
                .param(proxyUserId).query((rs, n) -> map(rs)).list();
    }

    /** The current versions of the relationships that let someone act for this patient. */
    public List<ProxyGrant> ofPatient(String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM proxy_grants WHERE patient_id = ? AND superseded_at IS NULL"
                        + " ORDER BY valid_from, relationship_id")
                .param(patientId).query((rs, n) -> map(rs)).list();
    }

    /** Current versions of every active relationship (the sweep also ends expired ones). */
    public List<ProxyGrant> active() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM proxy_grants WHERE superseded_at IS NULL AND state = 'active' ORDER BY recorded_at, id")
                .query((rs, n) -> map(rs)).list();
    }

    public Optional<ProxyGrant> current(String relationshipId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM proxy_grants WHERE relationship_id = ? AND superseded_at IS NULL")
                .param(relationshipId).query((rs, n) -> map(rs)).optional();
    }

    /** Every version of a relationship, first first. */
    public List<ProxyGrant> history(String relationshipId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM proxy_grants WHERE relationship_id = ? ORDER BY version")
                .param(relationshipId).query((rs, n) -> map(rs)).list();
    }

    /**
     * A new relationship (version 1), or a new version of the proxy's current relationship with the
     * patient when there is one (granting again after a suspension or a revocation).
     */
    @Transactional
    public ProxyGrant grant(String proxyUserId, String patientId, String patientName, ProxyGrant.Level level, Instant validFrom,
            Instant validUntil, ProxyGrant.DecidedBy decidedBy, String decidedByUserId, String documentReference,
            JurisdictionRules.Rule rule, String agePhase, LocalDate birthDate, String patientState) {
        Optional<ProxyGrant> existing = ofProxy(proxyUserId).stream().filter(g -> g.patientId().equals(patientId)).findFirst();
        ProxyGrant grant = new ProxyGrant(null, existing.map(ProxyGrant::relationshipId).orElse(UUID.randomUUID().toString()),
                existing.map(g -> g.version() + 1).orElse(1), proxyUserId, patientId, patientName, level, validFrom, validUntil,
                decidedBy, decidedByUserId, documentReference, rule == null ? null : rule.id(), rule == null ? null : rule.version(),
                agePhase, birthDate, patientState, ProxyGrant.Status.ACTIVE, "granted", null);
        if (existing.isPresent()) {
            return supersede(existing.get(), grant).orElseThrow(() -> new IllegalStateException("concurrent change of a proxy grant"));
        }
        return insert(grant);
    }

    /**
     * Replaces {@code current} by {@code next}, unless another change got there first (then empty: the
     * caller's view is stale and nothing is written).
     */
    @Transactional
    public Optional<ProxyGrant> supersede(ProxyGrant current, ProxyGrant next) {
        int changed = jdbc.sql("UPDATE proxy_grants SET superseded_at = ? WHERE id = ? AND superseded_at IS NULL")
                .params(clock.millis(), current.id()).update();
        if (changed != 1) {
            return Optional.empty();
        }
        return Optional.of(insert(next));
    }

    private ProxyGrant insert(ProxyGrant g) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        jdbc.sql("INSERT INTO proxy_grants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, g.relationshipId(), g.version(), g.proxyUserId(), g.patientId(), g.patientName(), g.level().code(),
                        g.validFrom().toEpochMilli(), g.validUntil() == null ? null : g.validUntil().toEpochMilli(),
                        g.decidedBy().code(), g.decidedByUserId(), g.documentReference(), g.ruleId(), g.ruleVersion(), g.agePhase(),
                        g.birthDate() == null ? null : g.birthDate().toString(), g.patientState(), g.status().code(), g.reason(), now)
                .update();
        return current(g.relationshipId()).orElseThrow();
    }

    private static ProxyGrant map(ResultSet rs) throws SQLException {
        long until = rs.getLong("valid_until");
        boolean noUntil = rs.wasNull();
        int ruleVersion = rs.getInt("rule_version");
        boolean noRule = rs.wasNull();
        String birth = rs.getString("patient_birth_date");
        return new ProxyGrant(rs.getString("id"), rs.getString("relationship_id"), rs.getInt("version"), rs.getString("proxy_user_id"),
                rs.getString("patient_id"), rs.getString("patient_name"), ProxyGrant.Level.of(rs.getString("access_level")),
                Instant.ofEpochMilli(rs.getLong("valid_from")), noUntil ? null : Instant.ofEpochMilli(until),
                ProxyGrant.DecidedBy.valueOf(rs.getString("decided_by").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("decided_by_user_id"), rs.getString("document_reference"), rs.getString("rule_id"),
                noRule ? null : ruleVersion, rs.getString("age_phase"), birth == null ? null : LocalDate.parse(birth),
                rs.getString("patient_state"), ProxyGrant.Status.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("reason"), Instant.ofEpochMilli(rs.getLong("recorded_at")));
    }
}
