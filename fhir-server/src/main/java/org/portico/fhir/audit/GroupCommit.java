package org.portico.fhir.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit: many threads each need their item durably stored before they go on; instead of one
 * database round trip and one commit each, the items that arrive while a batch is being written are
 * written together in the next batch, by one of the waiting threads (no extra thread, no hand-off
 * when there is no contention: a lone caller writes its own batch of one at once).
 *
 * <p>Waking is exact: when a batch is written, only its callers are woken, and, if items arrived in
 * the meantime, the first of their callers, who writes the next batch. Nobody else wakes up to find
 * that it has nothing to do (with one shared condition and {@code signalAll}, every write woke every
 * waiting request thread, each paying a futex call and a context switch to go back to sleep).
 *
 * <p>{@link #submit} returns only once its item's batch was written, and throws what the writer threw
 * for that batch. A failed batch is retried item by item, so one bad item fails only its own caller.
 */
final class GroupCommit<T> {

    private static final class Pending<T> {
        final T item;
        /** Signalled when this item is stored (or failed), or when its caller is to write the next batch. */
        final Condition wake;
        boolean done;
        boolean leads;
        RuntimeException failure;

        Pending(T item, Condition wake) {
            this.item = item;
            this.wake = wake;
        }
    }

    private final Consumer<List<T>> writer;
    private final int maxBatch;
    private final long gatherNanos;
    /** The size of the last batch written: more than one means callers are arriving concurrently. */
    private int lastBatch;
    /** The writer while it gathers, woken early when the batch it waits for is complete. */
    private Pending<T> gatherer;
    private final ReentrantLock lock = new ReentrantLock();
    private List<Pending<T>> queue = new ArrayList<>();
    private boolean writing;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();

    /**
     * @param writer   stores a batch in one transaction, or throws and stores none of it
     * @param maxBatch the most items one write takes
     */
    GroupCommit(Consumer<List<T>> writer, int maxBatch) {
        this(writer, maxBatch, 0);
    }

    /**
     * @param gatherNanos how long a writer waits for more callers before it writes, when the last
     *                    batch showed concurrent callers (as PostgreSQL's {@code commit_delay} does
     *                    for commits): fewer, bigger batches for a little latency; 0 never waits
     */
    GroupCommit(Consumer<List<T>> writer, int maxBatch, long gatherNanos) {
        this.writer = Objects.requireNonNull(writer, "writer");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        if (gatherNanos < 0) {
            throw new IllegalArgumentException("gatherNanos must not be negative");
        }
        this.maxBatch = maxBatch;
        this.gatherNanos = gatherNanos;
    }

    /** Stores the item with whatever else is waiting; returns once it is stored, or throws. */
    void submit(T item) {
        lock.lock();
        try {
            Pending<T> mine = new Pending<>(item, lock.newCondition());
            queue.add(mine);
            if (gatherer != null && queue.size() >= gatherTarget()) {
                gatherer.wake.signal();
            }
            if (writing) {
                while (!mine.done && !mine.leads) {
                    mine.wake.awaitUninterruptibly();
                }
            } else {
                writing = true;
                mine.leads = true;
            }
            // a leader's item is in the batch it takes (it is first in the queue, or alone)
            while (!mine.done) {
                gather(mine);
                List<Pending<T>> batch = take();
                lock.unlock();
                boolean completed = false;
                try {
                    write(batch);
                    completed = true;
                } finally {
                    lock.lock();
                    finish(batch, completed);
                }
            }
            if (mine.failure != null) {
                throw mine.failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, as the writer: lets concurrent callers join the batch, for at most the gather time. */
    private void gather(Pending<T> mine) {
        if (gatherNanos == 0 || lastBatch < 2) {
            return;
        }
        long left = gatherNanos;
        gatherer = mine;
        try {
            while (left > 0 && queue.size() < gatherTarget()) {
                left = mine.wake.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            gatherer = null;
        }
    }

    private int gatherTarget() {
        return Math.min(maxBatch, lastBatch * 2);
    }

    /** Under the lock: wakes the batch's callers, and hands the writer's role to the next caller in line. */
    private void finish(List<Pending<T>> batch, boolean completed) {
        lastBatch = batch.size();
        for (Pending<T> p : batch) {
            if (!completed && p.failure == null) {
                // an Error in the writer: nobody may believe their item was stored
                p.failure = new IllegalStateException("the audit batch writer failed");
            }
            p.done = true;
            p.wake.signal();
        }
        if (queue.isEmpty()) {
            writing = false;
        } else {
            Pending<T> next = queue.get(0);
            next.leads = true;
            next.wake.signal();
        }
    }

    /** Batches written so far (for tests and benchmarks). */
    long batches() {
        return batches.get();
    }

    /** Items written so far (for tests and benchmarks). */
    long items() {
        return items.get();
    }

    private List<Pending<T>> take() {
        if (queue.size() <= maxBatch) {
            List<Pending<T>> batch = queue;
            queue = new ArrayList<>();
            return batch;
        }
        List<Pending<T>> batch = new ArrayList<>(queue.subList(0, maxBatch));
        queue = new ArrayList<>(queue.subList(maxBatch, queue.size()));
        return batch;
    }

    /** Called without the lock; sets each pending's failure. */
    private void write(List<Pending<T>> batch) {
        List<T> values = new ArrayList<>(batch.size());
        batch.forEach(p -> values.add(p.item));
        try {
            writer.accept(values);
            batches.incrementAndGet();
            items.addAndGet(values.size());
            return;
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).failure = batchFailure;
                return;
            }
        }
        for (Pending<T> p : batch) {
            try {
                writer.accept(List.of(p.item));
                batches.incrementAndGet();
                items.incrementAndGet();
            } catch (RuntimeException e) {
                p.failure = e;
            }
        }
    }
}
