package org.portico.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.notify.SmsSender;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * For the account ITs: an SMS "gateway" that keeps what it was given (the pluggable {@link SmsSender}
 * an operator would provide), and a listener that records the account events part A consumes.
 */
@TestConfiguration(proxyBeanMethods = false)
class AccountTestConfig {

    record Sms(String phone, String kind, String text) {}

    static final List<Sms> SMS = new CopyOnWriteArrayList<>();
    static final List<Object> EVENTS = new CopyOnWriteArrayList<>();

    @Bean
    SmsSender recordingSmsSender() {
        return (phone, kind, text) -> SMS.add(new Sms(phone, kind, text));
    }

    @Bean
    EventRecorder eventRecorder() {
        return new EventRecorder();
    }

    static final class EventRecorder {
        @EventListener
        void on(AccountEvents.MfaResetProofed event) {
            EVENTS.add(event);
        }

        @EventListener
        void on(AccountEvents.UnlockRequested event) {
            EVENTS.add(event);
        }
    }
}
