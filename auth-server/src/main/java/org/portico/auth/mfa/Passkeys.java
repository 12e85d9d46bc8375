package org.portico.auth.mfa;

import java.net.URI;
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
    UserCredentialRepository passkeyCredentials(JdbcOperations jdbc) {
        return new JdbcUserCredentialRepository(jdbc);
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
