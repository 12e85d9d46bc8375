package org.portico.auth.enrolment;

import java.time.Duration;

/**
 * Makes an answer take at least a fixed time, so a success and a failure (a match or none, an account
 * or none) cannot be told apart by how long they took.
 */
public final class Pacing {

    private final long startNanos = System.nanoTime();
    private final Duration least;

    private Pacing(Duration least) {
        this.least = least;
    }

    public static Pacing atLeast(Duration least) {
        return new Pacing(least);
    }

    /** Sleeps out what is left of the time. */
    public void pace() {
        long left = least.toNanos() - (System.nanoTime() - startNanos);
        if (left > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
