package org.portico.auth.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoggingSmsSenderTest {

    @Test
    void whenANumberIsMaskedThenOnlyItsLastTwoDigitsShow() {
        assertThat(LoggingSmsSender.mask("+1 (555) 010-4321")).isEqualTo("***21");
        assertThat(LoggingSmsSender.mask("12")).isEqualTo("***");
        assertThat(LoggingSmsSender.mask(null)).isEqualTo("***");
        assertThat(Messenger.maskEmail("jose@example.org")).isEqualTo("***@example.org");
    }
}
