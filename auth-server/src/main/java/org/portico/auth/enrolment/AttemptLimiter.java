package org.portico.auth.enrolment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Proofing and reset attempts per client address: {@code attempts-per-address} in a window that starts
 * with the first attempt ({@code attempt-window}). Together with the per-code try limit this keeps
 * guessing activation codes, one-time codes and demographics out of reach. In memory: one server.
 */
@Component
public class AttemptLimiter {

    private final int allowed;
    private final Cache<String, AtomicInteger> counts;

    public AttemptLimiter(EnrolmentSettings settings) {
        this.allowed = settings.attemptsPerAddress();
        this.counts = Caffeine.newBuilder().expireAfterWrite(settings.attemptWindow()).maximumSize(100_000).build();
    }

    /** Counts an attempt from {@code address}; false once it is over the limit. */
    public boolean tryAttempt(String address) {
        return counts.get(address, a -> new AtomicInteger()).incrementAndGet() <= allowed;
    }
}
