package org.portico.auth.login;

import java.time.Clock;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccountDetailsService;
import org.portico.auth.identity.UserAccounts;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The login form's {@link AuthenticationManager}: the password check behind the throttle, and nothing else. */
@Configuration(proxyBeanMethods = false)
public class LoginProtectionConfig {

    /**
     * Wrapped in its own type so that it stays out of Spring Security's global manager: the form login chain
     * is given it explicitly, and no other provider can accept a password behind the throttle's back.
     */
    @Bean
    FormLoginAuthentication formLoginAuthentication(UserAccountDetailsService users, PasswordEncoder encoder, LoginThrottle throttle,
            UserAccounts accounts, ApplicationEventPublisher events, Clock clock) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(encoder);
        ProviderManager manager = new ProviderManager(new ThrottledAuthenticationProvider(passwords, throttle, accounts, events, clock));
        manager.setEraseCredentialsAfterAuthentication(true);
        return new FormLoginAuthentication(manager);
    }

    /** The login form's authentication manager. */
    public record FormLoginAuthentication(AuthenticationManager manager) {}

    @Bean
    NewBrowserSuccessHandler newBrowserSuccessHandler(KnownBrowsers browsers, UserAccounts accounts) {
        return new NewBrowserSuccessHandler(browsers, accounts);
    }

    @Bean
    UnlockListener unlockListener(LoginThrottle throttle) {
        return new UnlockListener(throttle);
    }

    /** Staff unlocked an account (published by the staff admin API): its failures and lockout go. */
    public static final class UnlockListener {

        private final LoginThrottle throttle;

        UnlockListener(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @EventListener
        public void on(AccountEvents.UnlockRequested event) {
            throttle.reset(LoginThrottle.Subject.account(event.userId()));
        }
    }
}
