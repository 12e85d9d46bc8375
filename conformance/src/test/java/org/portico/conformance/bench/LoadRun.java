package org.portico.conformance.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop: {@code threads} clients each run {@link Operation}s back to back for a fixed time.
 * An operation returns the units it did (requests, resources, patients) or throws; what it took is
 * summed, so that a mean latency per operation comes out too.
 */
final class LoadRun {

    /** One unit of client work against one server; returns the units done (e.g. 50 resources). */
    @FunctionalInterface
    interface Operation {
        long perform(SplittableRandom random) throws Exception;
    }

    /**
     * Units per second, failed operations, mean milliseconds per operation, the server's CPU
     * microseconds per unit, and the first failure's message (null when none failed).
     */
    record Sample(double perSecond, long errors, double millisPerOperation, double cpuMicrosPerUnit, String firstError) {}

    private LoadRun() {}

    static Sample run(Operation operation, int threads, double seconds, long seed, ServerCpu cpu) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong units = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong busyNanos = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> clients = new ArrayList<>();
        long cpuBefore = cpu.nanos();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = new SplittableRandom(seed * 31 + i);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long begin = System.nanoTime();
                        try {
                            units.addAndGet(operation.perform(random));
                            operations.incrementAndGet();
                            busyNanos.addAndGet(System.nanoTime() - begin);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, String.valueOf(e.getMessage()));
                        }
                    }
                } finally {
                    finished.countDown();
                }
            }, "bench-client-" + i);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        finished.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpuNanos = cpu.nanos() - cpuBefore;
        long done = units.get();
        return new Sample(done / elapsed, errors.get(),
                operations.get() == 0 ? 0 : busyNanos.get() / 1e6 / operations.get(),
                done == 0 ? 0 : cpuNanos / 1e3 / done, firstError.get());
    }
}
