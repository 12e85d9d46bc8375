package org.portico.auth.launch;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The launch context of each grant ({@code authorization_launch_context}, keyed by the SAS
 * authorization id): the patient picked or launched with, the encounter, whether it came from an
 * EHR launch, and the sensitive-data classes the patient switched on for the app. Written when the
 * patient approves, read whenever a token is minted from the grant (refreshes included), deleted with
 * the grant.
 */
@Repository
public class LaunchContexts {

    private final JdbcClient jdbc;

    public LaunchContexts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param patientId        null when no patient is in context
     * @param sensitiveClasses the class codes the patient switched on (only ever their own record's)
     */
    public record GrantContext(String patientId, String encounterId, boolean ehrLaunch, Set<String> sensitiveClasses) {

        public GrantContext {
            sensitiveClasses = sensitiveClasses == null ? Set.of() : Set.copyOf(sensitiveClasses);
        }

        public GrantContext(String patientId, String encounterId, boolean ehrLaunch) {
            this(patientId, encounterId, ehrLaunch, Set.of());
        }

        public GrantContext withSensitiveClasses(Set<String> classes) {
            return new GrantContext(patientId, encounterId, ehrLaunch, classes);
        }
    }

    public void save(String authorizationId, GrantContext context) {
        jdbc.sql("DELETE FROM authorization_launch_context WHERE authorization_id = ?").param(authorizationId).update();
        jdbc.sql("INSERT INTO authorization_launch_context (authorization_id, patient_id, encounter_id, ehr_launch, sensitive_classes)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .params(authorizationId, context.patientId(), context.encounterId(), context.ehrLaunch(),
                        context.sensitiveClasses().isEmpty() ? null : String.join(" ", new java.util.TreeSet<>(context.sensitiveClasses())))
                .update();
    }

    public Optional<GrantContext> find(String authorizationId) {
        return jdbc.sql("SELECT patient_id, encounter_id, ehr_launch, sensitive_classes FROM authorization_launch_context"
                        + " WHERE authorization_id = ?")
                .param(authorizationId)
                .query((rs, n) -> new GrantContext(rs.getString("patient_id"), rs.getString("encounter_id"), rs.getBoolean("ehr_launch"),
                        classes(rs.getString("sensitive_classes"))))
                .optional();
    }

    private static Set<String> classes(String column) {
        return column == null || column.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(column.trim().split(" ")));
    }
}
