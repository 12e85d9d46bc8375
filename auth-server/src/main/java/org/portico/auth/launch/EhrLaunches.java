package org.portico.auth.launch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.stereotype.Repository;

/**
 * EHR launch values ({@code ehr_launches}): opaque random strings, single-use, valid for {@link #TTL},
 * bound to a client, a user, a patient and an optional encounter. In the database rather than in
 * memory so that any auth-server instance behind the load balancer can redeem them; only a SHA-256
 * of the value is stored.
 */
@Repository
public class EhrLaunches {

    /** Long enough for a browser round trip through the app's launch page, short enough to be useless later. */
    public static final Duration TTL = Duration.ofMinutes(5);

    private final JdbcClient jdbc;
    private final StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 32);

    public EhrLaunches(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored launch; {@code usedAt} is null until redeemed. */
    public record EhrLaunch(String clientId, String userId, String patientId, String encounterId, Instant expiresAt, Instant usedAt) {

        public boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /** Mints a new launch value and returns it (the only time it exists in clear). */
    public String mint(String clientId, String userId, String patientId, String encounterId) {
        String value = values.generateKey();
        Instant now = Instant.now();
        jdbc.sql("INSERT INTO ehr_launches (value_hash, client_id, user_id, patient_id, encounter_id, created_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(hash(value), clientId, userId, patientId, encounterId, Timestamp.from(now), Timestamp.from(now.plus(TTL)))
                .update();
        // expired values are useless: forget them as new ones are made
        jdbc.sql("DELETE FROM ehr_launches WHERE expires_at < ?").param(Timestamp.from(now.minus(Duration.ofDays(1)))).update();
        return value;
    }

    public Optional<EhrLaunch> find(String value) {
        if (value == null || value.isEmpty() || value.length() > 200) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT client_id, user_id, patient_id, encounter_id, expires_at, used_at FROM ehr_launches WHERE value_hash = ?")
                .param(hash(value))
                .query((rs, n) -> new EhrLaunch(
                        rs.getString("client_id"),
                        rs.getString("user_id"),
                        rs.getString("patient_id"),
                        rs.getString("encounter_id"),
                        rs.getTimestamp("expires_at").toInstant(),
                        rs.getTimestamp("used_at") == null ? null : rs.getTimestamp("used_at").toInstant()))
                .optional();
    }

    /** Marks the value used; false if it was already used or has expired (atomic: one redeemer wins). */
    public boolean redeem(String value) {
        Timestamp now = Timestamp.from(Instant.now());
        return jdbc.sql("UPDATE ehr_launches SET used_at = ? WHERE value_hash = ? AND used_at IS NULL AND expires_at > ?")
                .params(now, hash(value), now)
                .update() == 1;
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
