package org.portico.fhir.audit;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns audit outbox rows into AuditEvent resources through the HAPI DAO, in batches, and deletes
 * the rows, in one database transaction per batch: a crash leaves the rows for the next run (this
 * server's or another's), never half a batch. On PostgreSQL the rows are locked with
 * {@code SKIP LOCKED}, so several servers can drain one outbox.
 */
public final class AuditOutboxWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditOutboxWorker.class);

    private final AuditOutbox outbox;
    private final IFhirResourceDao<AuditEvent> dao;
    private final TransactionTemplate tx;
    private final BalpAuditEvents events;
    private final Duration interval;
    private final int batchSize;
    private ScheduledExecutorService scheduler;

    public AuditOutboxWorker(AuditOutbox outbox, IFhirResourceDao<AuditEvent> dao, PlatformTransactionManager txManager,
                             BalpAuditEvents events, Duration interval, int batchSize) {
        this.outbox = outbox;
        this.dao = dao;
        this.tx = new TransactionTemplate(txManager);
        this.events = events;
        this.interval = interval;
        this.batchSize = batchSize;
    }

    /** Drains until the outbox holds no row that can be drained; returns the number of AuditEvents stored. */
    public synchronized int drainAll() {
        int total = 0;
        int n;
        do {
            n = drainBatch();
            total += n;
        } while (n > 0);
        return total;
    }

    /** One batch; returns the number of AuditEvents stored. */
    public synchronized int drainBatch() {
        List<AuditRecord> failed;
        try {
            Integer stored = tx.execute(status -> {
                List<AuditRecord> rows = outbox.oldest(batchSize);
                for (AuditRecord row : rows) {
                    dao.create(events.build(row, true), new SystemRequestDetails());
                }
                outbox.delete(rows.stream().map(AuditRecord::id).toList());
                return rows.size();
            });
            return stored == null ? 0 : stored;
        } catch (RuntimeException e) {
            log.warn("audit outbox batch failed, retrying its rows one by one: {}", e.toString());
            failed = tx.execute(status -> outbox.oldest(batchSize));
        }
        int stored = 0;
        for (AuditRecord row : failed == null ? List.<AuditRecord>of() : failed) {
            if (storeOne(row, true) || storeOne(row, false)) {
                stored++;
            } else {
                tx.executeWithoutResult(status -> outbox.markFailed(row.id()));
                log.error("audit outbox row {} could not be turned into an AuditEvent; left in the outbox", row.id());
            }
        }
        return stored;
    }

    /** @param link false when a patient or resource it names no longer exists (referential integrity) */
    private boolean storeOne(AuditRecord row, boolean link) {
        try {
            tx.executeWithoutResult(status -> {
                dao.create(events.build(row, link), new SystemRequestDetails());
                outbox.delete(List.of(row.id()));
            });
            return true;
        } catch (RuntimeException e) {
            log.debug("audit outbox row {} (link={}) failed: {}", row.id(), link, e.toString());
            return false;
        }
    }

    private void drainQuietly() {
        try {
            int n = drainAll();
            if (n > 0) {
                log.debug("audit outbox: {} AuditEvent(s) stored", n);
            }
        } catch (RuntimeException e) {
            log.warn("audit outbox drain failed, will retry: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portico-audit-outbox");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::drainQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s == null) {
            return;
        }
        s.shutdown();
        try {
            s.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
