package org.portico.auth.mfa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * An account's second factors: its TOTP authenticator ({@code mfa_totp}), its recovery codes
 * ({@code mfa_recovery_codes}, SHA-256 of each: they are random, 50 bits each, and tried behind the login
 * throttle) and its passkeys (Spring Security's {@code user_credentials}).
 */
@Repository
public class SecondFactors {

    public static final int RECOVERY_CODES = 10;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;

    public SecondFactors(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A new random TOTP secret (160 bits, the RFC 4226 recommendation). */
    public static byte[] newTotpSecret() {
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        return secret;
    }

    public boolean hasAny(String userId) {
        return hasTotp(userId) || passkeys(userId) > 0;
    }

    public boolean hasTotp(String userId) {
        return totpSecret(userId).isPresent();
    }

    public Optional<byte[]> totpSecret(String userId) {
        return jdbc.sql("SELECT secret FROM mfa_totp WHERE user_id = ?").param(userId)
                .query(String.class).optional().map(Base32::decode);
    }

    /** Stores a confirmed authenticator, {@code confirmedStep} being the step of the code that confirmed it. */
    public void saveTotp(String userId, byte[] secret, long confirmedStep) {
        jdbc.sql("DELETE FROM mfa_totp WHERE user_id = ?").param(userId).update();
        jdbc.sql("INSERT INTO mfa_totp (user_id, secret, last_used_step, created_at) VALUES (?, ?, ?, ?)")
                .params(userId, Base32.encode(secret), confirmedStep, Timestamp.from(clock.instant()))
                .update();
    }

    /** Marks {@code step} used; false if it or a later step was used already (a code counts once). */
    public boolean useTotpStep(String userId, long step) {
        return jdbc.sql("UPDATE mfa_totp SET last_used_step = ? WHERE user_id = ? AND last_used_step < ?")
                .params(step, userId, step)
                .update() == 1;
    }

    public void removeTotp(String userId) {
        jdbc.sql("DELETE FROM mfa_totp WHERE user_id = ?").param(userId).update();
    }

    /** Replaces the account's recovery codes with {@value #RECOVERY_CODES} new ones, returned once, in clear. */
    public List<String> newRecoveryCodes(String userId) {
        jdbc.sql("DELETE FROM mfa_recovery_codes WHERE user_id = ?").param(userId).update();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            byte[] bytes = new byte[7];
            RANDOM.nextBytes(bytes);
            String code = Base32.encode(bytes).substring(0, 10).toLowerCase(Locale.ROOT);
            code = code.substring(0, 5) + "-" + code.substring(5);
            codes.add(code);
            jdbc.sql("INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)")
                    .params(userId, hash(code), Timestamp.from(clock.instant()))
                    .update();
        }
        return codes;
    }

    /** Uses up a recovery code; false if it is not one of the account's unused codes. */
    public boolean useRecoveryCode(String userId, String code) {
        if (code == null || code.isBlank()) {
            return false;
        }
        return jdbc.sql("UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL")
                .params(Timestamp.from(clock.instant()), userId, hash(code))
                .update() == 1;
    }

    public int recoveryCodesLeft(String userId) {
        return jdbc.sql("SELECT count(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL")
                .param(userId).query(Integer.class).single();
    }

    /** The account's passkeys (Spring Security's {@code user_credentials}, by the username of its user entity). */
    public int passkeys(String userId) {
        return jdbc.sql("SELECT count(*) FROM user_credentials c JOIN user_entities e ON c.user_entity_user_id = e.id "
                        + "JOIN users u ON u.username = e.name WHERE u.id = ?")
                .param(userId).query(Integer.class).single();
    }

    /** Every second factor and remembered device of the account goes (an MFA reset after re-proofing). */
    public void removeAll(String userId) {
        removeTotp(userId);
        jdbc.sql("DELETE FROM mfa_recovery_codes WHERE user_id = ?").param(userId).update();
        jdbc.sql("DELETE FROM mfa_remembered_devices WHERE user_id = ?").param(userId).update();
        jdbc.sql("DELETE FROM user_credentials WHERE user_entity_user_id IN "
                        + "(SELECT e.id FROM user_entities e JOIN users u ON u.username = e.name WHERE u.id = ?)")
                .param(userId).update();
    }

    /** Recovery codes are compared without case, spaces or hyphens, as people type them. */
    static String hash(String code) {
        String normalised = code.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
