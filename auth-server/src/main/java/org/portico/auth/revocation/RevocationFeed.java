package org.portico.auth.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The revoked grants the fhir-server polls (ADR 0003): grant id and when it was revoked, kept while an
 * access token minted before the revocation can still be unexpired (the longest access-token lifetime
 * plus a margin), then pruned. In the database, so every instance serves the same feed.
 */
public final class RevocationFeed {

    /** One revoked grant. */
    public record Entry(String grant, long revokedAt) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    /**
     * @param retention how long an entry stays listed: at least the longest access-token lifetime
     */
    public RevocationFeed(JdbcClient jdbc, Clock clock, Duration retention) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = retention;
    }

    /** Records that a grant was revoked now; a second revocation of the same grant changes nothing. */
    public void record(String grantId) {
        try {
            jdbc.sql("INSERT INTO revoked_grants (grant_id, revoked_at) VALUES (?, ?)")
                    .params(grantId, now())
                    .update();
        } catch (DuplicateKeyException alreadyRevoked) {
            // the first revocation time stands
        }
    }

    /** Grants revoked at or after {@code since} (epoch seconds) and still retained, oldest first. */
    public List<Entry> since(long since) {
        long from = Math.max(since, now() - retention.toSeconds());
        return jdbc.sql("SELECT grant_id, revoked_at FROM revoked_grants WHERE revoked_at >= ? ORDER BY revoked_at, grant_id")
                .param(from)
                .query((rs, n) -> new Entry(rs.getString(1), rs.getLong(2)))
                .list();
    }

    /** Deletes entries older than the retention; returns how many. */
    public int prune() {
        return jdbc.sql("DELETE FROM revoked_grants WHERE revoked_at < ?").param(now() - retention.toSeconds()).update();
    }

    public long now() {
        return clock.instant().getEpochSecond();
    }
}
