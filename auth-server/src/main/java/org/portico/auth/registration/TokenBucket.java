package org.portico.auth.registration;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A token bucket: {@code capacity} requests at once, refilled evenly over {@code period}. Thread-safe. */
final class TokenBucket {

    private final int capacity;
    private final double tokensPerNano;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    TokenBucket(int capacity, Duration period, LongSupplier nanoTime) {
        this.capacity = capacity;
        this.tokensPerNano = capacity / (double) period.toNanos();
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes one token; returns zero if it was there, else how long until one will be. */
    synchronized Duration tryTake() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / tokensPerNano));
    }
}
