package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void aLoneCallerWritesItsOwnItemAtOnce() {
        List<List<String>> writes = new ArrayList<>();
        GroupCommit<String> group = new GroupCommit<>(writes::add, 10);

        group.submit("a");

        assertThat(writes).containsExactly(List.of("a"));
        assertThat(group.batches()).isEqualTo(1);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "gather {0} ns")
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 500_000})
    void concurrentCallersShareBatchesAndEachReturnsOnlyAfterItsItemIsWritten(long gatherNanos) throws Exception {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String> group = new GroupCommit<>(batch -> {
            sleep(2); // a commit takes a while: callers pile up behind it
            batchSizes.add(batch.size());
            stored.addAll(batch);
        }, 64, gatherNanos);
        int threads = 16;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        Set<String> missingOnReturn = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String item = thread + "-" + i;
                    group.submit(item);
                    if (!stored.contains(item)) {
                        missingOnReturn.add(item);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(missingOnReturn).isEmpty();
        assertThat(stored).hasSize(threads * perThread);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * perThread);
        // grouping happened: far fewer commits than items
        assertThat(group.batches()).isLessThan(threads * perThread / 2);
        assertThat(batchSizes).allMatch(size -> size <= 64);
    }

    @Test
    void aFailedBatchIsRetriedItemByItemSoOnlyTheBadItemFails() throws Exception {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String> group = new GroupCommit<>(batch -> {
            if (batch.contains("first")) {
                firstWriteStarted.countDown();
                await(release);
            }
            if (batch.contains("bad")) {
                throw new IllegalStateException("constraint violated");
            }
            stored.addAll(batch);
        }, 10);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> first = pool.submit(() -> group.submit("first"));
        firstWriteStarted.await(10, TimeUnit.SECONDS);
        // these two queue up behind the first write and are written together
        Future<?> good = pool.submit(() -> group.submit("good"));
        Future<?> bad = pool.submit(() -> group.submit("bad"));
        Thread.sleep(200);
        release.countDown();

        first.get(10, TimeUnit.SECONDS);
        good.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("constraint violated");
        assertThat(stored).containsExactlyInAnyOrder("first", "good");
        pool.shutdown();
    }

    @Test
    void anErrorInTheWriterFailsEveryCallerOfThatBatch() {
        GroupCommit<String> group = new GroupCommit<>(batch -> {
            throw new OutOfMemoryError("simulated");
        }, 10);

        assertThatThrownBy(() -> group.submit("a")).isInstanceOf(OutOfMemoryError.class);
        // the writer is free again for the next caller
        assertThatThrownBy(() -> group.submit("b")).isInstanceOf(OutOfMemoryError.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
