package org.portico.auth.clients;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
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
 *
 * <p>The fetch resolves the host through {@link JwksUriGuard}, whose answer is what the connection is
 * made to: a {@code jwks_uri} that resolves to a loopback, private, link-local... address is not
 * fetched, even when it resolved elsewhere at registration (DNS rebinding). Apache HttpClient is used
 * for that resolver hook ({@code java.net.http} has none); no proxy, no redirects.
 */
public final class ClientJwks {

    private static final Logger log = LoggerFactory.getLogger(ClientJwks.class);
    private static final int MAX_BYTES = 256 * 1024;

    private final ClientAuthProperties settings;
    private final JwksUriGuard guard;
    private final CloseableHttpClient http;
    private final Clock clock;
    private final Map<URI, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(JWKSet keys, Instant fetchedAt, Instant expiresAt) {}

    public ClientJwks(ClientAuthProperties settings, JwksUriGuard guard, Clock clock) {
        this.settings = settings;
        this.guard = guard;
        this.clock = clock;
        Timeout timeout = Timeout.of(settings.jwksFetchTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedResolver(guard))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
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
        HttpGet request = new HttpGet(uri);
        request.setHeader("Accept", "application/jwk-set+json, application/json");
        Fetched response;
        try {
            // an IP literal may never reach the resolver: check it here too
            guard.resolve(uri.getHost());
            response = http.execute(request, r -> new Fetched(r.getCode(), read(r.getEntity()),
                    values(r.getHeaders("Cache-Control")), r.getFirstHeader("Age") == null ? null : r.getFirstHeader("Age").getValue()));
        } catch (JwksUriGuard.RefusedAddressException e) {
            log.warn("client JWKS {} not fetched: {}", uri, e.getMessage());
            throw new KeySourceException("client JWKS not fetched: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new KeySourceException("client JWKS not reachable: " + uri, e);
        }
        if (response.status() != 200) {
            throw new KeySourceException("client JWKS " + uri + " answered HTTP " + response.status());
        }
        if (response.body() == null) {
            throw new KeySourceException("client JWKS " + uri + " is larger than " + MAX_BYTES + " bytes");
        }
        JWKSet keys = parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).toPublicJWKSet();
        Duration ttl = lifetime(response.cacheControl(), response.age());
        Instant now = clock.instant();
        Cached cached = new Cached(keys, now, now.plus(ttl));
        cache.put(uri, cached);
        log.debug("fetched client JWKS {} ({} keys), cached {}", uri, keys.getKeys().size(), ttl);
        return cached;
    }

    private record Fetched(int status, byte[] body, List<String> cacheControl, String age) {}

    /** The body, or null when it is larger than {@link #MAX_BYTES}. */
    private static byte[] read(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BYTES) {
                    return null;
                }
            }
            return out.toByteArray();
        }
    }

    private static List<String> values(Header[] headers) {
        return java.util.Arrays.stream(headers).map(Header::getValue).toList();
    }

    /** The connection's resolver: only addresses the guard allows are ever connected to. */
    private record GuardedResolver(JwksUriGuard guard) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return guard.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return guard.resolve(host)[0].getCanonicalHostName();
        }
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
