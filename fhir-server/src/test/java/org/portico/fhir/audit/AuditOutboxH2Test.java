package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The outbox migration and SQL on H2, the embedded database of {@code bin/run} (PostgreSQL is covered by AuditTrailIT). */
class AuditOutboxH2Test {

    @Test
    void whenMigratedNextToExistingTablesThenOutboxStoresReadsAndDeletesRows() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hfj_resource_stand_in (id BIGINT PRIMARY KEY)"); // HAPI's tables come first
        }
        AuditSchema.migrate(ds, null);
        AuditSchema.migrate(ds, null); // a second start changes nothing

        AuditOutbox outbox = new AuditOutbox(ds, false);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AuditRecord older = new AuditRecord(UUID.randomUUID().toString(), now.minusSeconds(1), "search-type", 200, "GET",
                "Observation", "Observation?patient=p1", "app", "sub", "https://x/fhir/Patient/p1", List.of("p1"),
                List.of("Observation/o1", "Observation/o2"), "127.0.0.1", "req", null);
        AuditRecord newer = new AuditRecord(UUID.randomUUID().toString(), now, "read", 401, "GET", "Patient",
                "Patient/p1", null, null, null, List.of(), List.of(), "127.0.0.1", "req2", "invalid token");
        outbox.insert(newer);
        outbox.insert(older);

        assertThat(outbox.pending()).isEqualTo(2);
        List<AuditRecord> rows = outbox.oldest(10);
        assertThat(rows).containsExactly(older, newer);
        assertThat(outbox.oldest(1)).containsExactly(older);

        for (int i = 0; i < AuditOutbox.MAX_ATTEMPTS; i++) {
            outbox.markFailed(newer.id());
        }
        assertThat(outbox.oldest(10)).as("a row that keeps failing no longer blocks").containsExactly(older);

        outbox.delete(List.of(older.id()));
        assertThat(outbox.pending()).isEqualTo(1);
    }
}
