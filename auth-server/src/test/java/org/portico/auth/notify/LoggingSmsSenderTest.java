package org.portico.auth.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class LoggingSmsSenderTest {

    @Test
    void whenANumberIsMaskedThenOnlyItsLastTwoDigitsShow() {
        assertThat(LoggingSmsSender.mask("+1 (555) 010-4321")).isEqualTo("***21");
        assertThat(LoggingSmsSender.mask("12")).isEqualTo("***");
        assertThat(LoggingSmsSender.mask(null)).isEqualTo("***");
        assertThat(Messenger.maskEmail("jose@example.org")).isEqualTo("***@example.org");
    }

    @Test
    void whenAMessageIsLoggedThenNeitherTheNumberNorTheTextAppear(CapturedOutput output) {
        new LoggingSmsSender(new SmsSettings(false)).send("+1 555 010 4321", "message.oneTimeCode", "Your Portico code is 918273.");
        assertThat(output.getOut()).contains("message.oneTimeCode").contains("***21")
                .doesNotContain("918273").doesNotContain("4321");
    }

    @Test
    void whenTheDemoSettingIsOnThenTheTextIsLoggedToo(CapturedOutput output) {
        new LoggingSmsSender(new SmsSettings(true)).send("+1 555 010 4321", "message.oneTimeCode", "Your Portico code is 918273.");
        assertThat(output.getOut()).contains("918273").doesNotContain("4321");
    }
}
