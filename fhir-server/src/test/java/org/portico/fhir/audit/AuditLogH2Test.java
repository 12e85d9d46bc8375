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

/** The audit log migrations and SQL on H2, the embedded database of {@code bin/run} (PostgreSQL is covered by AuditTrailIT). */
class AuditLogH2Test {

    @Test
    void whenMigratedNextToExistingTablesThenTheLogStoresFindsAndSearchesEvents() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hfj_resource_stand_in (id BIGINT PRIMARY KEY)"); // HAPI's tables come first
        }
        AuditSchema.migrate(ds, null);
        AuditSchema.migrate(ds, null); // a second start changes nothing
        storesFindsAndSearches(new AuditLog(ds));
    }

    /** What every database the log runs on must do (also run on PostgreSQL by AuditLogPostgresIT). */
    static void storesFindsAndSearches(AuditLog log) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AuditRecord older = record(now.minusSeconds(10), "search-type", 200, List.of("p1"), List.of("Observation/o1", "Observation/o2"));
        AuditRecord newer = record(now, "read", 401, List.of(), List.of());
        AuditRecord both = record(now.minusSeconds(5), "read", 200, List.of("p1", "p2"), List.of("Patient/p2"));
        AuditRecord other = record(now.minusSeconds(1), "read", 200, List.of("p2"), List.of("Patient/p2"));
        log.insert(newer);
        log.insert(older);
        log.insert(both);
        log.insert(other);

        assertThat(log.size()).isEqualTo(4);
        assertThat(log.find(older.id())).contains(older);
        assertThat(log.find("no-such-event")).isEmpty();

        AuditLog.Query p1 = new AuditLog.Query(List.of(List.of("p1")), null, null, true);
        assertThat(log.search(p1, 0, 10)).containsExactly(both, older);
        assertThat(log.count(p1)).isEqualTo(2);
        assertThat(log.search(p1, 1, 10)).containsExactly(older);
        assertThat(log.search(new AuditLog.Query(List.of(List.of("p1")), null, null, false), 0, 1)).containsExactly(older);
        assertThat(log.search(new AuditLog.Query(List.of(List.of("p1", "p2")), null, null, true), 0, 10))
                .as("comma OR, an event concerning both patients once").containsExactly(other, both, older);
        assertThat(log.search(new AuditLog.Query(List.of(List.of("p1"), List.of("p2")), null, null, true), 0, 10))
                .as("repeated parameter AND").containsExactly(both);
        assertThat(log.search(new AuditLog.Query(List.of(), now.minusSeconds(5), now.minusSeconds(1), true), 0, 10))
                .as("dates inclusive at both ends").containsExactly(other, both);
        assertThat(log.search(new AuditLog.Query(List.of(List.of("p3")), null, null, true), 0, 10)).isEmpty();
    }

    static AuditRecord record(Instant recorded, String interaction, int status, List<String> patients, List<String> resources) {
        return new AuditRecord(UUID.randomUUID().toString(), recorded, interaction, status, "GET",
                "Observation", "Observation?patient=p1", status == 401 ? null : "app", "sub", "https://x/fhir/Patient/p1",
                patients, resources, "127.0.0.1", "req", status == 401 ? "invalid token" : null);
    }
}
