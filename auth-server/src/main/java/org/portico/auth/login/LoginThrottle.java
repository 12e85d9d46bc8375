package org.portico.auth.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Failed sign-in counts and lockouts in the {@code login_throttle} table, so that every server behind the
 * load balancer sees the same state. A subject is an account ({@code users.id}), an unknown username (by
 * its SHA-256, so it is not stored as typed) or a client address.
 */
@Component
public class LoginThrottle {

    public enum Kind { ACCOUNT, NAME, IP }

    /** Who failed: one row of {@code login_throttle}. */
    public record Subject(Kind kind, String key) {

        public static Subject account(String userId) {
            return new Subject(Kind.ACCOUNT, userId);
        }

        public static Subject unknownName(String username) {
            return new Subject(Kind.NAME, sha256(username == null ? "" : username));
        }

        public static Subject address(String ip) {
            return new Subject(Kind.IP, ip == null ? "unknown" : ip);
        }

        String column() {
            return kind.name().toLowerCase(Locale.ROOT);
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final AccountSecurityProperties.Login settings;

    public LoginThrottle(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, AccountSecurityProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.settings = properties.login();
    }

    /** The end of the subject's lockout, if it is locked out now. */
    public Optional<Instant> lockedUntil(Subject subject) {
        Instant now = clock.instant();
        return jdbc.sql("SELECT locked_until FROM login_throttle WHERE subject_kind = ? AND subject = ?")
                .params(subject.column(), subject.key())
                .query((rs, n) -> rs.getTimestamp("locked_until"))
                .optional()
                .map(Timestamp::toInstant)
                .filter(until -> until.isAfter(now));
    }

    public boolean isLocked(Subject subject) {
        return lockedUntil(subject).isPresent();
    }

    /**
     * Counts one failure; returns whether it locked a subject that had not been locked since its failures
     * began (the moment to tell the account holder).
     */
    public boolean recordFailure(Subject subject) {
        try {
            return Boolean.TRUE.equals(transactions.execute(status -> countFailure(subject)));
        } catch (DuplicateKeyException raced) {
            // another server inserted the first failure at the same moment: count on its row
            return Boolean.TRUE.equals(transactions.execute(status -> countFailure(subject)));
        }
    }

    private boolean countFailure(Subject subject) {
        Instant now = clock.instant();
        var row = jdbc.sql("SELECT failures, last_failure_at FROM login_throttle WHERE subject_kind = ? AND subject = ? FOR UPDATE")
                .params(subject.column(), subject.key())
                .query((rs, n) -> new Object[] {rs.getInt("failures"), rs.getTimestamp("last_failure_at").toInstant()})
                .optional();
        int failures = row.map(r -> ((Instant) r[1]).isBefore(now.minus(settings.failureWindow())) ? 1 : (int) r[0] + 1).orElse(1);
        int free = subject.kind() == Kind.IP ? settings.ipFreeFailures() : settings.accountFreeFailures();
        Instant lockedUntil = failures > free ? now.plus(backoff(failures - free)) : null;
        Timestamp until = lockedUntil == null ? null : Timestamp.from(lockedUntil);
        if (row.isPresent()) {
            jdbc.sql("UPDATE login_throttle SET failures = ?, last_failure_at = ?, locked_until = ? WHERE subject_kind = ? AND subject = ?")
                    .params(failures, Timestamp.from(now), until, subject.column(), subject.key())
                    .update();
        } else {
            jdbc.sql("INSERT INTO login_throttle (subject_kind, subject, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?, ?)")
                    .params(subject.column(), subject.key(), failures, Timestamp.from(now), until)
                    .update();
        }
        return failures == free + 1;
    }

    /** The lockout after the {@code n}th failure past the free ones: base, 2 x base, 4 x base... up to the maximum. */
    Duration backoff(int n) {
        Duration max = settings.backoffMax();
        if (n > 40) {
            return max;
        }
        Duration d = settings.backoffBase().multipliedBy(1L << (n - 1));
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Forgets the subject's failures and lockout (a successful sign-in, a staff unlock). */
    public void reset(Subject subject) {
        jdbc.sql("DELETE FROM login_throttle WHERE subject_kind = ? AND subject = ?")
                .params(subject.column(), subject.key())
                .update();
    }

    /** Drops rows whose failures are forgotten and whose lockout is over. */
    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
    public int purgeExpired() {
        Instant now = clock.instant();
        return jdbc.sql("DELETE FROM login_throttle WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until < ?)")
                .params(Timestamp.from(now.minus(settings.failureWindow())), Timestamp.from(now))
                .update();
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
