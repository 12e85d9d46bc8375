package org.portico.auth.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {

    @Test
    void whenAnAddressGoesOverTheLimitThenRefusedWhileOthersGoOn() {
        AttemptLimiter limiter = new AttemptLimiter(new EnrolmentSettings(Duration.ofDays(1), Duration.ofDays(1), Duration.ofMinutes(10),
                Duration.ofMinutes(30), Duration.ofMinutes(15), 5, Duration.ZERO, 3, Duration.ofMinutes(15)));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAttempt("10.0.0.1")).isTrue();
        }
        assertThat(limiter.tryAttempt("10.0.0.1")).isFalse();
        assertThat(limiter.tryAttempt("10.0.0.2")).isTrue();
    }
}
