package org.portico.auth.clients;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The public keys a {@code private_key_jwt} client signs its assertions with: its inline JWKS, or the
 * document at its {@code jwks_uri}, cached for as long as the response's {@code Cache-Control} allows
 * (clamped between a floor and a ceiling; attestation 11.10: never longer than the key host says, the
 * ceiling aside) and fetched again when an assertion names a {@code kid} the cached copy does not have
 * (key rotation), at most once per refetch interval. A document that cannot be fetched is not replaced
 * by a stale copy: the assertion fails ({@code invalid_client}).
 */
public final class ClientJwks {

    private static final Logger log = LoggerFactory.getLogger(ClientJwks.class);
    private static final int MAX_BYTES = 256 * 1024;

    private final ClientAuthProperties settings;
    private final HttpClient http;
    private final Clock clock;
    private final Map<URI, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(JWKSet keys, Instant fetchedAt, Instant expiresAt) {}

    public ClientJwks(ClientAuthProperties settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.jwksFetchTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The key source for one client; never null (a client without keys gets one that finds none). */
    public JWKSource<SecurityContext> sourceFor(RegisteredClient client) {
        String inline = ClientKeySettings.inlineJwks(client);
        if (inline != null) {
            return (selector, context) -> selector.select(parse(inline));
        }
        String url = client.getClientSettings().getJwkSetUrl();
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url);
            return (selector, context) -> select(uri, selector);
        }
        return (selector, context) -> List.of();
    }

    private List<JWK> select(URI uri, JWKSelector selector) throws KeySourceException {
        Instant now = clock.instant();
        Cached cached = cache.get(uri);
        if (cached == null || !now.isBefore(cached.expiresAt())) {
            cached = fetch(uri);
        }
        List<JWK> keys = selector.select(cached.keys());
        if (keys.isEmpty() && !now.isBefore(cached.fetchedAt().plus(settings.jwksRefetchInterval()))) {
            // an unknown kid: the client may have rotated its keys
            keys = selector.select(fetch(uri).keys());
        }
        return keys;
    }

    private Cached fetch(URI uri) throws KeySourceException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.jwksFetchTimeout())
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | RuntimeException e) {
            throw new KeySourceException("client JWKS not reachable: " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted fetching client JWKS " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new KeySourceException("client JWKS " + uri + " answered HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_BYTES) {
            throw new KeySourceException("client JWKS " + uri + " is larger than " + MAX_BYTES + " bytes");
        }
        JWKSet keys = parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).toPublicJWKSet();
        Duration ttl = lifetime(response.headers().allValues("Cache-Control"),
                response.headers().firstValue("Age").orElse(null));
        Instant now = clock.instant();
        Cached cached = new Cached(keys, now, now.plus(ttl));
        cache.put(uri, cached);
        log.debug("fetched client JWKS {} ({} keys), cached {}", uri, keys.getKeys().size(), ttl);
        return cached;
    }

    /** How long a response may be cached: {@code max-age} minus {@code Age}, clamped to [floor, ceiling]. */
    Duration lifetime(List<String> cacheControl, String age) {
        Duration ttl = settings.jwksCacheDefault();
        OptionalLong maxAge = OptionalLong.empty();
        boolean noCache = false;
        for (String header : cacheControl) {
            for (String directive : header.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                if (d.equals("no-store") || d.equals("no-cache")) {
                    noCache = true;
                } else if (d.startsWith("max-age=")) {
                    try {
                        maxAge = OptionalLong.of(Long.parseLong(d.substring("max-age=".length()).replace("\"", "")));
                    } catch (NumberFormatException ignored) {
                        noCache = true; // RFC 9111 section 4.2.1: an invalid max-age means stale
                    }
                }
            }
        }
        if (noCache) {
            ttl = Duration.ZERO;
        } else if (maxAge.isPresent()) {
            long seconds = maxAge.getAsLong();
            if (age != null) {
                try {
                    seconds -= Long.parseLong(age.trim());
                } catch (NumberFormatException ignored) {
                    // no usable Age: take max-age as is
                }
            }
            ttl = Duration.ofSeconds(Math.max(0, seconds));
        }
        if (ttl.compareTo(settings.jwksCacheFloor()) < 0) {
            ttl = settings.jwksCacheFloor();
        }
        if (ttl.compareTo(settings.jwksCacheCeiling()) > 0) {
            ttl = settings.jwksCacheCeiling();
        }
        return ttl;
    }

    private static JWKSet parse(String json) throws KeySourceException {
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new KeySourceException("client JWKS is not a JSON Web Key Set", e);
        }
    }
}
