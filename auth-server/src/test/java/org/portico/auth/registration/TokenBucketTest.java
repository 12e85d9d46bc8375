package org.portico.auth.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void whenCapacityUsedThenWaitUntilRefillAndThenOneMore() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(3, Duration.ofMinutes(3), now::get);
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isEqualTo(Duration.ofMinutes(1));

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(bucket.tryTake()).isEqualTo(Duration.ofSeconds(30));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isPositive();
    }

    @Test
    void whenIdleLongThenRefillsOnlyToCapacity() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(2, Duration.ofSeconds(10), now::get);
        now.addAndGet(Duration.ofHours(5).toNanos());
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isPositive();
    }
}
