package org.portico.auth.clients;

import java.time.Clock;
import java.time.Duration;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.revocation.RevocationFeed;
import org.portico.auth.tokens.ClientEndpoints;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Client authentication ({@code private_key_jwt}), backend services, introspection, and the revocation
 * feed (ADR 0003). {@code AuthorizationServerConfig} applies {@link ClientEndpoints} to SAS and wraps its
 * authorization service with {@link org.portico.auth.revocation.GrantRevocations}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class ClientAuthenticationConfig {

    private static final Logger log = LoggerFactory.getLogger(ClientAuthenticationConfig.class);
    /** Kept beyond the access-token lifetime, for clock differences and a poller that was briefly away. */
    private static final Duration FEED_MARGIN = Duration.ofMinutes(5);

    private final Clock clock = Clock.systemUTC();

    @Bean
    JwksUriGuard jwksUriGuard(ClientAuthProperties settings) {
        if (settings.jwksUriAllowPrivate()) {
            log.warn("portico.auth.clients.jwks-uri-allow-private is on: client jwks_uri may point at loopback and "
                    + "private addresses (for test deployments only)");
        }
        return JwksUriGuard.system(settings.jwksUriAllowPrivate());
    }

    @Bean
    ClientJwks clientJwks(ClientAuthProperties settings, JwksUriGuard guard) {
        return new ClientJwks(settings, guard, clock);
    }

    @Bean
    ClientAssertionReplay clientAssertionReplay(JdbcClient jdbc, ClientAuthProperties settings) {
        return new ClientAssertionReplay(jdbc, clock, settings.clockSkew());
    }

    @Bean
    PrivateKeyJwtDecoderFactory privateKeyJwtDecoderFactory(ClientJwks jwks, ClientAssertionReplay replay,
            ClientAuthProperties settings, AuthProperties properties) {
        String tokenEndpoint = new AuthEndpoints(properties.issuer()).token().toString();
        return new PrivateKeyJwtDecoderFactory(jwks, replay, settings, tokenEndpoint, clock);
    }

    @Bean
    RevocationFeed revocationFeed(JdbcClient jdbc, AuthProperties properties) {
        return new RevocationFeed(jdbc, clock, properties.tokens().accessTokenTtl().plus(FEED_MARGIN));
    }

    @Bean
    ClientEndpoints clientEndpoints(RegisteredClientRepository clients, OAuth2AuthorizationService authorizations,
            OAuth2TokenGenerator<?> tokens, PrivateKeyJwtDecoderFactory assertions) {
        return new ClientEndpoints(clients, authorizations, tokens, assertions);
    }

    /** The feed lists only opaque random ids and is read by the fhir-server without credentials (ADR 0003). */
    @Bean
    @Order(1)
    SecurityFilterChain revocationFeedSecurityFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher(AuthEndpoints.REVOCATION_FEED_PATH)
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    Pruning pruning(ClientAssertionReplay replay, RevocationFeed feed) {
        return new Pruning(replay, feed);
    }

    /** Deletes used assertion ids past their expiry and revocations past the retention; idempotent on every instance. */
    static final class Pruning {
        private final ClientAssertionReplay replay;
        private final RevocationFeed feed;

        Pruning(ClientAssertionReplay replay, RevocationFeed feed) {
            this.replay = replay;
            this.feed = feed;
        }

        @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT5M")
        void prune() {
            int jtis = replay.prune();
            int grants = feed.prune();
            log.debug("pruned {} expired assertion id(s), {} old revocation(s)", jtis, grants);
        }
    }
}
