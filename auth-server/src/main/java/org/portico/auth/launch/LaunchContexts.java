package org.portico.auth.launch;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The launch context of each grant ({@code authorization_launch_context}, keyed by the SAS
 * authorization id): the patient picked or launched with, the encounter, and whether it came from an
 * EHR launch. Written when the patient approves, read whenever a token is minted from the grant
 * (refreshes included), deleted with the grant.
 */
@Repository
public class LaunchContexts {

    private final JdbcClient jdbc;

    public LaunchContexts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @param patientId null when no patient is in context */
    public record GrantContext(String patientId, String encounterId, boolean ehrLaunch) {}

    public void save(String authorizationId, GrantContext context) {
        jdbc.sql("DELETE FROM authorization_launch_context WHERE authorization_id = ?").param(authorizationId).update();
        jdbc.sql("INSERT INTO authorization_launch_context (authorization_id, patient_id, encounter_id, ehr_launch) VALUES (?, ?, ?, ?)")
                .params(authorizationId, context.patientId(), context.encounterId(), context.ehrLaunch())
                .update();
    }

    public Optional<GrantContext> find(String authorizationId) {
        return jdbc.sql("SELECT patient_id, encounter_id, ehr_launch FROM authorization_launch_context WHERE authorization_id = ?")
                .param(authorizationId)
                .query((rs, n) -> new GrantContext(rs.getString("patient_id"), rs.getString("encounter_id"), rs.getBoolean("ehr_launch")))
                .optional();
    }
}
