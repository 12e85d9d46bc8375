package org.portico.auth.clients;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Each client assertion's {@code jti} may be used once (RFC 7523 section 3, item 7; SMART Backend
 * Services). Used ids are kept in the database until the assertion has expired, so a replay is caught
 * after a restart and on another instance; the primary key makes the check atomic.
 */
public final class ClientAssertionReplay {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration clockSkew;

    public ClientAssertionReplay(JdbcClient jdbc, Clock clock, Duration clockSkew) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** Records the id; false when it was already used by this client. */
    public boolean firstUse(String clientId, String jti, Instant expiresAt) {
        try {
            jdbc.sql("INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)")
                    .params(clientId, jti, expiresAt.plus(clockSkew).getEpochSecond())
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Forgets ids whose assertions can no longer be accepted anyway; returns how many. */
    public int prune() {
        return jdbc.sql("DELETE FROM client_assertion_jtis WHERE expires_at < ?")
                .param(clock.instant().getEpochSecond())
                .update();
    }
}
