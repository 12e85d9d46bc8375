package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.matching.PatientMatcher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a unit holds while it is stored (ADR 0023), on PostgreSQL with real transactions: units of one
 * source that write different resources go side by side; a unit waits for another that writes what it
 * writes or refers to; readers of the same resource share it; two records that could be one person are
 * matched one after the other, whatever their sources; an operator's link decision waits for the units
 * in flight. Each waiting case is checked both ways: it waits while the other holds, and goes on once
 * the other's transaction ends.
 */
class UnitLockIT extends IngestItSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "ingest_unit_lock");
    }

    @Autowired
    SourceRegistry registry;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    PatientMatcher matcher;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Source ehrA;
    private Source ehrB;

    @BeforeEach
    void sources() throws Exception {
        register("Lock EHR A", "https://a.lock.example.org/fhir", "lock-a", "https://a.lock.example.org/id", "urn:oid:1.2.3.100");
        register("Lock EHR B", "https://b.lock.example.org/fhir", "lock-b", "https://b.lock.example.org/id", "urn:oid:1.2.3.200");
        ehrA = registry.byClient("lock-a").orElseThrow();
        ehrB = registry.byClient("lock-b").orElseThrow();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A unit's transaction holding its locks until {@link #end()}. */
    private final class Held {
        private final CountDownLatch locked = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Void> done;

        Held(Runnable lock) {
            done = CompletableFuture.runAsync(() -> new TransactionTemplate(transactions).executeWithoutResult(s -> {
                lock.run();
                locked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), threads);
        }

        boolean lockedWithin(long millis) throws InterruptedException {
            return locked.await(millis, TimeUnit.MILLISECONDS);
        }

        void end() throws Exception {
            release.countDown();
            done.get(10, TimeUnit.SECONDS);
        }
    }

    private Held unit(Source source, List<String> writes, List<String> reads, Set<String> people) {
        return new Held(() -> registry.lockForUnit(source, writes, reads, people));
    }

    /** {@code second} waits while {@code first} holds, and goes on once it ends. */
    private void waitsFor(Held first, java.util.function.Supplier<Held> second) throws Exception {
        assertThat(first.lockedWithin(5_000)).isTrue();
        Held waiting = second.get();
        assertThat(waiting.lockedWithin(700)).as("waits while the other unit holds").isFalse();
        first.end();
        assertThat(waiting.lockedWithin(5_000)).as("goes on once the other unit's transaction ended").isTrue();
        waiting.end();
    }

    private void sideBySide(Held first, java.util.function.Supplier<Held> second) throws Exception {
        assertThat(first.lockedWithin(5_000)).isTrue();
        Held other = second.get();
        assertThat(other.lockedWithin(5_000)).as("does not wait for the other unit").isTrue();
        other.end();
        first.end();
    }

    @Test
    void whenTwoUnitsOfOneSourceWriteDifferentResourcesThenTheyGoSideBySide() throws Exception {
        sideBySide(unit(ehrA, List.of("Patient/1", "Observation/1"), List.of("Practitioner/p"), Set.of()),
                () -> unit(ehrA, List.of("Patient/2", "Observation/2"), List.of("Practitioner/p"), Set.of()));
    }

    @Test
    void whenTwoUnitsWriteTheSameResourceThenTheSecondWaits() throws Exception {
        waitsFor(unit(ehrA, List.of("Patient/1", "Practitioner/p"), List.of(), Set.of()),
                () -> unit(ehrA, List.of("Patient/2", "Practitioner/p"), List.of(), Set.of()));
    }

    @Test
    void whenAUnitRefersToWhatAnotherWritesThenItWaitsBothWays() throws Exception {
        waitsFor(unit(ehrA, List.of("Practitioner/p"), List.of(), Set.of()),
                () -> unit(ehrA, List.of("Patient/2"), List.of("Practitioner/p"), Set.of()));
        waitsFor(unit(ehrA, List.of("Patient/3"), List.of("Practitioner/p"), Set.of()),
                () -> unit(ehrA, List.of("Practitioner/p"), List.of(), Set.of()));
    }

    @Test
    void whenTwoSourcesUseTheSameIdsThenTheirUnitsDoNotWaitForEachOther() throws Exception {
        sideBySide(unit(ehrA, List.of("Patient/1"), List.of(), Set.of()), () -> unit(ehrB, List.of("Patient/1"), List.of(), Set.of()));
    }

    @Test
    void whenTwoRecordsCouldBeOnePersonThenTheyAreMatchedOneAfterTheOtherWhateverTheirSources() throws Exception {
        Patient born = new Patient();
        born.getBirthDateElement().setValueAsString("1980-03-04");
        Patient swapped = new Patient();
        swapped.getBirthDateElement().setValueAsString("1980-04-03");
        swapped.addIdentifier().setSystem("urn:oid:1.2.3.200").setValue("77");
        Patient sameMrn = new Patient();
        sameMrn.getBirthDateElement().setValueAsString("1990-01-01");
        sameMrn.addIdentifier().setSystem("urn:oid:1.2.3.200").setValue("77");
        Patient other = new Patient();
        other.getBirthDateElement().setValueAsString("1975-12-31");
        // a day-month swap is a candidate (the matcher finds it), and so is a shared identifier
        waitsFor(unit(ehrA, List.of("Patient/1"), List.of(), matcher.blockingKeys(born)),
                () -> unit(ehrB, List.of("Patient/9"), List.of(), matcher.blockingKeys(swapped)));
        waitsFor(unit(ehrA, List.of("Patient/2"), List.of(), matcher.blockingKeys(swapped)),
                () -> unit(ehrB, List.of("Patient/8"), List.of(), matcher.blockingKeys(sameMrn)));
        sideBySide(unit(ehrA, List.of("Patient/3"), List.of(), matcher.blockingKeys(born)),
                () -> unit(ehrB, List.of("Patient/7"), List.of(), matcher.blockingKeys(other)));
    }

    @Test
    void whenAnOperatorDecidesALinkThenTheDecisionWaitsForTheSourcesUnitsInFlight() throws Exception {
        waitsFor(unit(ehrA, List.of("Patient/1"), List.of(), Set.of()), () -> new Held(() -> registry.lock(ehrA)));
        waitsFor(new Held(() -> registry.lock(ehrA)), () -> unit(ehrA, List.of("Patient/1"), List.of(), Set.of()));
    }
}
