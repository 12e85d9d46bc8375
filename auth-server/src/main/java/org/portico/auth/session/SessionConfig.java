package org.portico.auth.session;

import java.time.Clock;
import org.portico.auth.login.AccountSecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * Browser sessions in PostgreSQL (Spring Session JDBC, tables from Flyway V6), so that every server behind
 * the load balancer shares them and "sign out everywhere" can find all of a user's sessions. The idle
 * timeout is the session's inactive interval; the absolute one is {@link AbsoluteSessionTimeout}.
 */
@Configuration(proxyBeanMethods = false)
public class SessionConfig {

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> idleTimeout(AccountSecurityProperties properties) {
        return repository -> repository.setDefaultMaxInactiveInterval(properties.session().idleTimeout());
    }

    /** In a holder, not as a {@code Filter} bean, for the same reason as the MFA gate: it runs inside the security chains. */
    public record AbsoluteTimeout(AbsoluteSessionTimeout filter) {}

    @Bean
    AbsoluteTimeout absoluteSessionTimeout(Clock clock, AccountSecurityProperties properties) {
        return new AbsoluteTimeout(new AbsoluteSessionTimeout(clock, properties.session().absoluteTimeout()));
    }
}
