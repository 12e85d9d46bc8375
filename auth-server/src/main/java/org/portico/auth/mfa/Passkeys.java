package org.portico.auth.mfa;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.webauthn.api.Bytes;
import java.util.List;
import org.portico.auth.config.AuthProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.WebAuthnConfigurer;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.JdbcPublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;

/**
 * Passkeys (WebAuthn) through Spring Security's own support ({@code http.webAuthn}), its JDBC repositories
 * (tables from Flyway V6) and our static script ({@code /js/passkeys.js}). The relying party is the issuer:
 * its host is the RP id and its origin the only allowed origin. A passkey sign-in counts as two factors
 * (ADR 0018: {@link SecondFactorGate} turns it into a session with {@link Factors#MFA}).
 */
@Configuration(proxyBeanMethods = false)
public class Passkeys {

    @Bean
    PublicKeyCredentialUserEntityRepository passkeyUserEntities(JdbcOperations jdbc) {
        return new JdbcPublicKeyCredentialUserEntityRepository(jdbc);
    }

    @Bean
    UserCredentialRepository passkeyCredentials(JdbcOperations jdbc, PublicKeyCredentialUserEntityRepository entities,
            UserAccounts users, ApplicationEventPublisher events, Clock clock) {
        return new NoticingCredentials(new JdbcUserCredentialRepository(jdbc), entities, users, events, clock);
    }

    /**
     * Spring's repository, telling the account holder when a passkey is added ({@code MFA_CHANGED}). Spring
     * also saves a credential after each sign-in with it (its counter, last use): only a new one is news.
     */
    static final class NoticingCredentials implements UserCredentialRepository {

        private final UserCredentialRepository delegate;
        private final PublicKeyCredentialUserEntityRepository entities;
        private final UserAccounts users;
        private final ApplicationEventPublisher events;
        private final Clock clock;

        NoticingCredentials(UserCredentialRepository delegate, PublicKeyCredentialUserEntityRepository entities, UserAccounts users,
                ApplicationEventPublisher events, Clock clock) {
            this.delegate = delegate;
            this.entities = entities;
            this.users = users;
            this.events = events;
            this.clock = clock;
        }

        @Override
        public void save(CredentialRecord credential) {
            boolean added = delegate.findByCredentialId(credential.getCredentialId()) == null;
            delegate.save(credential);
            if (added) {
                PublicKeyCredentialUserEntity entity = entities.findById(credential.getUserEntityUserId());
                if (entity != null) {
                    users.findByUsername(entity.getName()).ifPresent(user -> events.publishEvent(new AccountNotice(user.id(),
                            AccountNotice.Kind.MFA_CHANGED, clock.instant(), Map.of("method", "passkey-added"))));
                }
            }
        }

        @Override
        public void delete(Bytes credentialId) {
            delegate.delete(credentialId);
        }

        @Override
        public CredentialRecord findByCredentialId(Bytes credentialId) {
            return delegate.findByCredentialId(credentialId);
        }

        @Override
        public List<CredentialRecord> findByUserId(Bytes userId) {
            return delegate.findByUserId(userId);
        }
    }

    /** The {@code http.webAuthn(...)} settings of the pages' filter chain. */
    public static Customizer<WebAuthnConfigurer<HttpSecurity>> relyingParty(AuthProperties properties, String name) {
        URI issuer = properties.issuer();
        String origin = issuer.getScheme() + "://" + issuer.getHost() + (issuer.getPort() < 0 ? "" : ":" + issuer.getPort());
        return webAuthn -> webAuthn
                .rpName(name)
                .rpId(issuer.getHost())
                .allowedOrigins(origin)
                // registration is on our security page, not Spring's default one
                .disableDefaultRegistrationPage(true)
                // sessions are serialised to the database: see SessionCreationOptions
                .creationOptionsRepository(new SessionCreationOptions());
    }

    /** One passkey as the security page lists it. */
    public record Passkey(String id, String label, String created) {}

    /** The passkeys of {@code username}, oldest first. */
    public static List<Passkey> of(String username, PublicKeyCredentialUserEntityRepository entities, UserCredentialRepository credentials) {
        PublicKeyCredentialUserEntity entity = entities.findByUsername(username);
        if (entity == null) {
            return List.of();
        }
        return credentials.findByUserId(entity.getId()).stream()
                .map((CredentialRecord c) -> new Passkey(c.getCredentialId().toBase64UrlString(), c.getLabel(),
                        c.getCreated() == null ? "" : c.getCreated().toString().substring(0, 10)))
                .toList();
    }
}
