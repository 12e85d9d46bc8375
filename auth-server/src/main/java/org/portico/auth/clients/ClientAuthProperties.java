package org.portico.auth.clients;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings for client authentication with {@code private_key_jwt} ({@code portico.auth.clients.*}).
 *
 * @param jwksCacheFloor       a client's {@code jwks_uri} document is kept at least this long, even when its
 *                             {@code Cache-Control} allows less (protects the key host and us from a fetch per request)
 * @param jwksCacheCeiling     ... and at most this long, whatever its {@code Cache-Control} says
 * @param jwksCacheDefault     how long when the response has no {@code Cache-Control} max-age
 * @param jwksRefetchInterval  an assertion with an unknown {@code kid} refetches the document at most this often
 * @param jwksFetchTimeout     connect and read timeout of a fetch
 * @param assertionMaxLifetime a client assertion's {@code exp} may be at most this far ahead (SMART: 5 minutes)
 * @param clockSkew            tolerated clock difference for {@code exp}/{@code nbf}
 * @param jwksUriAllowPrivate  let a {@code jwks_uri} resolve to loopback, private and shared addresses
 *                             ({@code PORTICO_AUTH_CLIENTS_JWKS_URI_ALLOW_PRIVATE}, default false): for
 *                             an operator's own test deployments; see {@link JwksUriGuard}
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth.clients")
public record ClientAuthProperties(
        @NotNull Duration jwksCacheFloor,
        @NotNull Duration jwksCacheCeiling,
        @NotNull Duration jwksCacheDefault,
        @NotNull Duration jwksRefetchInterval,
        @NotNull Duration jwksFetchTimeout,
        @NotNull Duration assertionMaxLifetime,
        @NotNull Duration clockSkew,
        boolean jwksUriAllowPrivate) {}
