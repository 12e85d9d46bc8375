package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portico.fhir.PostgresTestDatabase;
import org.springframework.dao.DataAccessException;

/**
 * The audit log on PostgreSQL, where a group of concurrent rows is one statement
 * ({@link AuditLog#PG_INSERT_GROUP}): the same contract as on H2, every row of a concurrent group
 * stored with its patients, and a row the database refuses failing alone.
 */
class AuditLogPostgresIT {

    private static HikariDataSource ds;

    @BeforeAll
    static void database() {
        PostgresTestDatabase db = PostgresTestDatabase.get("audit-log");
        ds = new HikariDataSource();
        ds.setJdbcUrl(db.url());
        ds.setUsername(db.user());
        ds.setPassword(db.password());
        ds.setMaximumPoolSize(20);
        ds.setSchema("audit_it");
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password()); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS audit_it");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        AuditSchema.migrate(ds, "audit_it");
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    @Test
    void whenOnPostgresThenTheLogStoresFindsAndSearchesEvents() {
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            s.execute("TRUNCATE portico_audit_log, portico_audit_log_patient");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        AuditLogH2Test.storesFindsAndSearches(new AuditLog(ds));
    }

    @Test
    void whenManyRequestsAuditAtOnceThenEveryRowIsStoredWithItsPatientsAndARefusedRowFailsAlone() throws Exception {
        AuditLog log = new AuditLog(ds);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AuditRecord first = AuditLogH2Test.record(now, "read", 200, List.of("conc-dup"), List.of("Patient/conc-dup"));
        log.insert(first);
        int threads = 16;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<AuditRecord>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                List<AuditRecord> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    AuditRecord r = AuditLogH2Test.record(now.plusMillis(i), "search-type", 200,
                            List.of("conc-" + thread, "conc-all"), List.of("Observation/o" + i));
                    log.insert(r);
                    mine.add(r);
                }
                return mine;
            }));
        }
        // a duplicate id, submitted among the others: refused, and only it
        Future<Throwable> duplicate = pool.submit(() -> {
            start.await();
            try {
                log.insert(new AuditRecord(first.id(), now, "read", 200, "GET", "Patient", "Patient/x", "app", "sub", null,
                        List.of("conc-dup"), List.of(), "127.0.0.1", "req", null));
                return null;
            } catch (DataAccessException expected) {
                return expected;
            }
        });
        long commitsBefore = log.groupCommits().commits();
        start.countDown();
        List<AuditRecord> all = new ArrayList<>();
        for (Future<List<AuditRecord>> f : futures) {
            all.addAll(f.get());
        }
        assertThat(duplicate.get()).as("the duplicate row is refused to its caller").isInstanceOf(DataAccessException.class);
        pool.shutdown();

        for (AuditRecord r : all) {
            assertThat(log.find(r.id())).contains(r);
        }
        assertThat(log.count(new AuditLog.Query(List.of(List.of("conc-all")), null, null, true))).isEqualTo(threads * perThread);
        assertThat(log.count(new AuditLog.Query(List.of(List.of("conc-3")), null, null, true))).isEqualTo(perThread);
        assertThat(log.count(new AuditLog.Query(List.of(List.of("conc-dup")), null, null, true))).isEqualTo(1);
        assertThat(log.groupCommits().commits() - commitsBefore)
                .as("concurrent rows share statements").isLessThan(threads * perThread);
        assertThatThrownBy(() -> log.insert(first)).isInstanceOf(DataAccessException.class);
    }
}
