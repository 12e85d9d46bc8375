package org.portico.auth.enrolment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The single-use, expiring secrets of enrolment and recovery ({@code enrolment_secrets}); only their
 * SHA-256 is stored, the secret itself is shown or sent once. Activation codes carry 60 random bits
 * (12 characters of Crockford's base 32, no look-alike letters) and die after
 * {@code max-code-attempts} wrong birth dates; links carry 256 bits; one-time codes are 6 digits, so
 * their hash is salted with the row id (kept in the visitor's session) and they die after
 * {@code max-code-attempts} wrong tries. Using a secret is one conditional UPDATE: of two concurrent
 * uses, one wins.
 */
@Repository
public class EnrolmentSecrets {

    public enum Kind {
        ACTIVATION_CODE("activation_code"), INVITATION("invitation"), ONE_TIME_CODE("one_time_code"),
        PASSWORD_RESET("password_reset");

        final String column;

        Kind(String column) {
            this.column = column;
        }

        static Kind of(String column) {
            for (Kind kind : values()) {
                if (kind.column.equals(column)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(column);
        }
    }

    /** A stored secret (never the secret itself). */
    public record Secret(String id, Kind kind, String patientId, String userId, String channel, int failedAttempts,
            String createdBy, Instant createdAt, Instant expiresAt, Instant usedAt, Instant revokedAt) {

        public boolean usable(Instant now) {
            return usedAt == null && revokedAt == null && now.isBefore(expiresAt);
        }
    }

    /** A newly issued secret: {@code secret} is the only copy. */
    public record Issued(String id, String secret, Instant expiresAt) {}

    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, kind, patient_id, user_id, channel, failed_attempts, created_by, created_at,"
            + " expires_at, used_at, revoked_at";

    private final JdbcClient jdbc;
    private final Clock clock;

    @Autowired
    public EnrolmentSecrets(JdbcClient jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    EnrolmentSecrets(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Issues a secret of {@code kind} bound to a patient and/or an account. */
    public Issued issue(Kind kind, String patientId, String userId, String channel, Duration ttl, String createdBy) {
        String id = UUID.randomUUID().toString();
        String secret = switch (kind) {
            case ACTIVATION_CODE -> activationCode();
            case ONE_TIME_CODE -> String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
            case INVITATION, PASSWORD_RESET -> link();
        };
        Instant now = now();
        Instant expires = now.plus(ttl);
        jdbc.sql("INSERT INTO enrolment_secrets (id, kind, secret_hash, patient_id, user_id, channel, created_by, created_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, kind.column, hash(kind, id, secret), patientId, userId, channel, createdBy, now.toEpochMilli(),
                        expires.toEpochMilli())
                .update();
        return new Issued(id, kind == Kind.ACTIVATION_CODE ? grouped(secret) : secret, expires);
    }

    /** The usable (unused, unrevoked, unexpired) secret of that kind with that value. Not for one-time codes. */
    public Optional<Secret> findUsable(Kind kind, String secret) {
        if (kind == Kind.ONE_TIME_CODE || secret == null || secret.isBlank() || secret.length() > 200) {
            return Optional.empty();
        }
        String value = kind == Kind.ACTIVATION_CODE ? normalCode(secret) : secret.trim();
        return jdbc.sql("SELECT " + COLUMNS + " FROM enrolment_secrets WHERE secret_hash = ? AND kind = ?")
                .params(hash(kind, null, value), kind.column)
                .query((rs, n) -> map(rs))
                .optional()
                .filter(s -> s.usable(now()));
    }

    public Optional<Secret> findById(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM enrolment_secrets WHERE id = ?").param(id).query((rs, n) -> map(rs)).optional();
    }

    /** Whether {@code code} is the one-time code of that row (constant-time comparison). */
    public boolean oneTimeCodeMatches(String id, String code) {
        String typed = code == null ? "" : code.replaceAll("\\s", "");
        String stored = jdbc.sql("SELECT secret_hash FROM enrolment_secrets WHERE id = ? AND kind = ?")
                .params(id, Kind.ONE_TIME_CODE.column).query(String.class).optional().orElse("");
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                hash(Kind.ONE_TIME_CODE, id, typed).getBytes(StandardCharsets.US_ASCII));
    }

    /** Marks the secret used; false when it was no longer usable (used, revoked or expired meanwhile). */
    public boolean consume(String id) {
        long now = now().toEpochMilli();
        return jdbc.sql("UPDATE enrolment_secrets SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?")
                .params(now, id, now).update() == 1;
    }

    /** Counts a wrong try; the {@code max}-th revokes the secret. */
    public void recordFailure(String id, int max) {
        jdbc.sql("UPDATE enrolment_secrets SET failed_attempts = failed_attempts + 1,"
                        + " revoked_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE revoked_at END WHERE id = ?")
                .params(max, now().toEpochMilli(), id).update();
    }

    /** Revokes a secret that is still usable; false when there was none. */
    public boolean revoke(String id) {
        long now = now().toEpochMilli();
        return jdbc.sql("UPDATE enrolment_secrets SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL")
                .params(now, id).update() == 1;
    }

    /** The secrets of a patient, newest first (staff view). */
    public List<Secret> forPatient(String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM enrolment_secrets WHERE patient_id = ? AND kind IN (?, ?) ORDER BY created_at DESC")
                .params(patientId, Kind.ACTIVATION_CODE.column, Kind.INVITATION.column)
                .query((rs, n) -> map(rs)).list();
    }

    private static Secret map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Secret(rs.getString("id"), Kind.of(rs.getString("kind")), rs.getString("patient_id"), rs.getString("user_id"),
                rs.getString("channel"), rs.getInt("failed_attempts"), rs.getString("created_by"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                instant(rs, "used_at"), instant(rs, "revoked_at"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static String activationCode() {
        StringBuilder code = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            code.append(CROCKFORD.charAt(RANDOM.nextInt(32)));
        }
        return code.toString();
    }

    private static String link() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code ABCD-EFGH-JKMN}: easier to read out and type. */
    static String grouped(String code) {
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /** What a patient typed, as issued: no spaces or dashes, upper case, O as 0 and I/L as 1 (Crockford). */
    static String normalCode(String typed) {
        return typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT).replace('O', '0').replace('I', '1').replace('L', '1');
    }

    static String hash(Kind kind, String id, String secret) {
        String input = kind == Kind.ONE_TIME_CODE ? id + ":" + secret : secret;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
