package org.portico.auth.mfa;

import java.time.Clock;
import java.util.Map;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.login.AccountSecurityProperties;
import org.portico.auth.login.KnownBrowsers;
import org.portico.auth.notify.AccountNotice;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The second-factor gate for the filter chains, and the MFA reset after re-proofing. */
@Configuration(proxyBeanMethods = false)
public class MfaConfig {

    /**
     * The gate in a holder, not as a {@code Filter} bean: Spring Boot would also register a filter bean on
     * the servlet container, outside the security chains, where it must not run.
     */
    public record Gate(SecondFactorGate filter) {}

    @Bean
    Gate secondFactorGate(UserAccounts users, SecondFactors factors, RememberedDevices devices, KnownBrowsers browsers,
            AccountSecurityProperties properties) {
        return new Gate(new SecondFactorGate(users, factors, devices, browsers, properties));
    }

    @Bean
    MfaResetListener mfaResetListener(SecondFactors factors, ApplicationEventPublisher events, Clock clock) {
        return new MfaResetListener(factors, events, clock);
    }

    /** The account holder proved their identity again (registration/recovery publishes it): every second factor goes. */
    public static final class MfaResetListener {

        private final SecondFactors factors;
        private final ApplicationEventPublisher events;
        private final Clock clock;

        MfaResetListener(SecondFactors factors, ApplicationEventPublisher events, Clock clock) {
            this.factors = factors;
            this.events = events;
            this.clock = clock;
        }

        @EventListener
        public void on(AccountEvents.MfaResetProofed event) {
            factors.removeAll(event.userId());
            events.publishEvent(new AccountNotice(event.userId(), AccountNotice.Kind.MFA_CHANGED, clock.instant(),
                    Map.of("method", "reset")));
        }
    }
}
