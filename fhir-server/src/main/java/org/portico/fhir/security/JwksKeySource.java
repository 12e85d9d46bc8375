package org.portico.fhir.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth-server's public signing keys, fetched from its JWKS URI and kept in memory. A request
 * never waits on the network unless its {@code kid} is unknown, and even then the JWKS is fetched
 * at most once per {@code minRefetchInterval} (key rotation, without letting forged kids hammer the
 * auth-server).
 */
public final class JwksKeySource {

    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_JWKS_BYTES = 512 * 1024;

    private final URI jwksUri;
    private final Duration minRefetchInterval;
    private final Clock clock;
    private final HttpClient http;
    /** One entry: the last JWKS fetched successfully. */
    private final Cache<URI, JWKSet> cache = Caffeine.newBuilder().maximumSize(1).build();
    private Instant lastFetch;

    public JwksKeySource(URI jwksUri, Duration minRefetchInterval) {
        this(jwksUri, minRefetchInterval, Clock.systemUTC());
    }

    public JwksKeySource(URI jwksUri, Duration minRefetchInterval, Clock clock) {
        this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        this.minRefetchInterval = Objects.requireNonNull(minRefetchInterval, "minRefetchInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The public key with this id, fetching the JWKS again if the id is unknown and the rate limit allows. */
    public Optional<JWK> key(String kid) {
        JWKSet cached = cache.getIfPresent(jwksUri);
        JWK key = cached == null ? null : cached.getKeyByKeyId(kid);
        if (key != null) {
            return Optional.of(key);
        }
        return Optional.ofNullable(refetch(cached)).map(set -> set.getKeyByKeyId(kid));
    }

    private synchronized JWKSet refetch(JWKSet seen) {
        JWKSet current = cache.getIfPresent(jwksUri);
        if (current != seen) {
            return current; // another thread fetched meanwhile
        }
        Instant now = clock.instant();
        if (lastFetch != null && now.isBefore(lastFetch.plus(minRefetchInterval))) {
            return current;
        }
        lastFetch = now;
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(jwksUri).timeout(TIMEOUT).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length > MAX_JWKS_BYTES) {
                log.warn("JWKS fetch from {} failed: HTTP {}", jwksUri, response.statusCode());
                return current;
            }
            JWKSet fetched = JWKSet.parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .toPublicJWKSet();
            cache.put(jwksUri, fetched);
            log.info("JWKS fetched from {}: {} key(s)", jwksUri, fetched.getKeys().size());
            return fetched;
        } catch (IOException | ParseException e) {
            log.warn("JWKS fetch from {} failed: {}", jwksUri, e.toString());
            return current;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current;
        }
    }
}
