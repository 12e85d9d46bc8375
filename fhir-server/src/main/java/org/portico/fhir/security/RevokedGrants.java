package org.portico.fhir.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants the auth-server has revoked, read from its revocation feed
 * ({@code AuthEndpoints.REVOCATION_FEED_PATH}) by a background poll, so that a revoked grant's
 * unexpired access tokens stop working within a poll interval while no request ever waits on the
 * network (ADR 0003).
 *
 * <p>Fail closed: when the feed has not been read successfully for longer than
 * {@code maxStaleness}, {@link #check(String)} refuses every token (the caller answers 503), because
 * Portico could no longer keep its promise that a revoked app loses access within seconds.
 */
public final class RevokedGrants implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RevokedGrants.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_FEED_BYTES = 4 * 1024 * 1024;
    /** Ask for a little more than what is new, in case the two clocks or a slow commit disagree. */
    private static final long OVERLAP_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI feed;
    private final Duration interval;
    private final Duration maxStaleness;
    private final Duration retention;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    private volatile Instant lastSuccess;
    private volatile long since;
    private ScheduledExecutorService scheduler;

    /**
     * @param feed         the auth-server's revocation feed URL
     * @param interval     how often to poll it
     * @param maxStaleness how long tokens are still accepted after the last successful poll
     * @param retention    how long a revoked grant is remembered: longer than any access token lives
     */
    public RevokedGrants(URI feed, Duration interval, Duration maxStaleness, Duration retention, Clock clock) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.maxStaleness = Objects.requireNonNull(maxStaleness, "maxStaleness");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Polls in the background until {@link #close()}. */
    public synchronized RevokedGrants start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "portico-revocation-feed");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Throws if a token of this grant must be refused: it names no grant (so it could never be
     * revoked early), the grant was revoked, or the feed is stale.
     */
    public void check(String grantId) throws InvalidTokenException, RevocationStateUnavailableException {
        Instant last = lastSuccess;
        if (last == null || clock.instant().isAfter(last.plus(maxStaleness))) {
            throw new RevocationStateUnavailableException();
        }
        if (grantId == null || grantId.isBlank()) {
            throw new InvalidTokenException("The access token names no grant, so it cannot be revoked");
        }
        if (revoked.containsKey(grantId)) {
            throw new InvalidTokenException("The access token has been revoked");
        }
    }

    /** One poll of the feed; true when it was read. Public for tests that do not want to wait. */
    public boolean poll() {
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(feed + (feed.getQuery() == null ? "?" : "&") + "since=" + since))
                            .timeout(TIMEOUT).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length > MAX_FEED_BYTES) {
                log.warn("revocation feed {} answered HTTP {}", feed, response.statusCode());
                return false;
            }
            return apply(JSON.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            log.warn("revocation feed {} could not be read: {}", feed, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes in one feed document; false (and nothing changed) when it is not one. */
    public boolean apply(JsonNode body) {
        JsonNode entries = body.path("revoked");
        JsonNode now = body.path("now");
        if (!entries.isArray() || !now.canConvertToLong()) {
            log.warn("revocation feed {} sent a body without 'revoked' and 'now'", feed);
            return false;
        }
        for (JsonNode entry : entries) {
            String grant = entry.path("grant").asText("");
            if (!grant.isEmpty()) {
                revoked.putIfAbsent(grant, Instant.ofEpochSecond(entry.path("revoked_at").asLong(now.asLong())));
            }
        }
        since = Math.max(0, now.asLong() - OVERLAP_SECONDS);
        Instant cutoff = Instant.ofEpochSecond(now.asLong()).minus(retention);
        revoked.values().removeIf(at -> at.isBefore(cutoff));
        lastSuccess = clock.instant();
        return true;
    }

    private void pollQuietly() {
        poll();
    }

    /** How many revoked grants are remembered (for tests and metrics). */
    public int size() {
        return revoked.size();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
