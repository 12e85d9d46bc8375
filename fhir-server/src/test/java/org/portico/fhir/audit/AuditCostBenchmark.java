package org.portico.fhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.portico.fhir.FhirServerApplication;
import org.portico.fhir.PostgresTestDatabase;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Not a test: a measuring loop for ADR 0005 (what the audit costs a request, against what it would
 * cost to store an AuditEvent resource synchronously). It prints figures and asserts nothing; its
 * name matches neither {@code *Test} nor {@code *IT}, so only an explicit run starts it:
 * {@code ./mvnw -B -o -pl fhir-server -am test -Dtest=AuditCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AuditCostBenchmark {

    private static final int THREADS = 4;

    @Test
    void measure() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.get();
        try (ConfigurableApplicationContext app = SpringApplication.run(FhirServerApplication.class,
                "--server.port=0",
                "--portico.fhir.db.url=" + db.url(),
                "--portico.fhir.db.username=" + db.user(),
                "--portico.fhir.db.password=" + db.password(),
                "--portico.fhir.audit.drain-interval=1h")) {
            AuditOutbox outbox = app.getBean(AuditOutbox.class);
            AuditOutboxWorker worker = app.getBean(AuditOutboxWorker.class);
            BalpAuditEvents balp = app.getBean(BalpAuditEvents.class);
            var dao = app.getBean(DaoRegistry.class).getResourceDao(AuditEvent.class);
            worker.stop();
            // the patient and resources the records name exist, as they do for real requests
            DaoRegistry daos = app.getBean(DaoRegistry.class);
            daos.getResourceDao(Patient.class).update((Patient) new Patient().setId("Patient/bench"), new SystemRequestDetails());
            for (int i = 0; i < 20; i++) {
                Observation o = new Observation();
                o.setId("Observation/bench-" + i);
                o.setStatus(Observation.ObservationStatus.FINAL).getCode().setText("bench");
                o.getSubject().setReference("Patient/bench");
                daos.getResourceDao(Observation.class).update(o, new SystemRequestDetails());
            }

            // 1. the request thread's cost: one outbox INSERT (a search that returned 20 resources)
            loopInserts(outbox, 1_000);
            long t0 = System.nanoTime();
            int n = 5_000;
            loopInserts(outbox, n);
            double insertMicros = (System.nanoTime() - t0) / 1_000.0 / n;
            System.out.printf("%n=== audit cost: outbox INSERT, 1 thread: %.1f us/request%n", insertMicros);

            int perThread = 2_500;
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long t1 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> loopInserts(outbox, perThread)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double insertsPerSecond = THREADS * perThread / ((System.nanoTime() - t1) / 1e9);
            pool.shutdown();
            System.out.printf("=== audit cost: outbox INSERT, %d threads: %.0f inserts/s%n", THREADS, insertsPerSecond);

            // 2. what the outbox avoids: one AuditEvent resource stored through the HAPI DAO per request
            for (int i = 0; i < 30; i++) {
                dao.create(balp.build(record(), true), new SystemRequestDetails());
            }
            int creates = 200;
            long t2 = System.nanoTime();
            for (int i = 0; i < creates; i++) {
                dao.create(balp.build(record(), true), new SystemRequestDetails());
            }
            double createMicros = (System.nanoTime() - t2) / 1_000.0 / creates;
            System.out.printf("=== audit cost: AuditEvent DAO create, 1 thread: %.1f us/request%n", createMicros);

            // 3. the worker's drain rate (batches of portico.fhir.audit.batch-size, one transaction each)
            new org.springframework.jdbc.core.JdbcTemplate(app.getBean(javax.sql.DataSource.class))
                    .update("DELETE FROM " + AuditOutbox.TABLE);
            loopInserts(outbox, 400);
            long pendingBefore = outbox.pending();
            long t3 = System.nanoTime();
            int drained = worker.drainAll();
            double drainPerSecond = drained / ((System.nanoTime() - t3) / 1e9);

            System.out.printf("%n=== audit cost (PostgreSQL, %d cores) ===%n", Runtime.getRuntime().availableProcessors());
            System.out.printf("outbox INSERT, 1 thread      : %8.1f us/request%n", insertMicros);
            System.out.printf("outbox INSERT, %d threads     : %8.0f inserts/s%n", THREADS, insertsPerSecond);
            System.out.printf("AuditEvent DAO create, 1 thr : %8.1f us/request (avoided in the request thread)%n", createMicros);
            System.out.printf("worker drain                 : %8.0f AuditEvents/s (%d of %d rows)%n",
                    drainPerSecond, drained, pendingBefore);
        }
    }

    private static Void loopInserts(AuditOutbox outbox, int n) {
        for (int i = 0; i < n; i++) {
            outbox.insert(record());
        }
        return null;
    }

    private static AuditRecord record() {
        return new AuditRecord(UUID.randomUUID().toString(), Instant.now(), "search-type", 200, "GET", "Observation",
                "Observation?patient=bench&category=laboratory&_count=20", "bench-app", "user-bench",
                "http://localhost:8080/fhir/Patient/bench", List.of("bench"),
                IntStream.range(0, 20).mapToObj(i -> "Observation/bench-" + i).toList(),
                "127.0.0.1", "abcdef0123456789", null);
    }
}
