package org.portico.auth.mfa;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.portico.auth.login.AccountSecurityProperties;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * "Remember this device": after a second factor the browser may get a random token in an HttpOnly cookie
 * (Secure on TLS, SameSite=Lax); only its SHA-256 is stored ({@code mfa_remembered_devices}). While it is
 * valid, a password sign-in from that browser counts as two factors. The account holder sees and revokes
 * remembered devices on the security page.
 */
@Repository
public class RememberedDevices {

    public static final String COOKIE = "portico_device";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One remembered browser as the security page lists it. */
    public record Device(String id, String description, Instant createdAt, Instant expiresAt) {

        /** The last day it is remembered (UTC), e.g. {@code 2026-12-27}. */
        public String untilDate() {
            return expiresAt.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString();
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration lifetime;

    public RememberedDevices(JdbcClient jdbc, Clock clock, AccountSecurityProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lifetime = properties.mfa().rememberDevice();
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Remembers this browser for the account and sets its cookie. */
    public void remember(HttpServletRequest request, HttpServletResponse response, String userId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        jdbc.sql("INSERT INTO mfa_remembered_devices (id, user_id, token_hash, description, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(UUID.randomUUID().toString(), userId, hash(token), describe(request),
                        Timestamp.from(now), Timestamp.from(now.plus(lifetime)))
                .update();
        ResponseCookie cookie = ResponseCookie.from(COOKIE, token)
                .httpOnly(true)
                .secure(request.isSecure())
                .sameSite("Lax")
                .path("/")
                .maxAge(lifetime)
                .build();
        response.addHeader("Set-Cookie", cookie.toString());
    }

    /** Whether the request carries a valid remembered-device cookie of this account. */
    public boolean recognises(HttpServletRequest request, String userId) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return false;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isBlank()) {
                int found = jdbc.sql("SELECT count(*) FROM mfa_remembered_devices WHERE token_hash = ? AND user_id = ? AND expires_at > ?")
                        .params(hash(cookie.getValue()), userId, Timestamp.from(clock.instant()))
                        .query(Integer.class).single();
                if (found > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    public List<Device> list(String userId) {
        return jdbc.sql("SELECT id, description, created_at, expires_at FROM mfa_remembered_devices WHERE user_id = ? AND expires_at > ? ORDER BY created_at")
                .params(userId, Timestamp.from(clock.instant()))
                .query((rs, n) -> new Device(rs.getString("id"), rs.getString("description"),
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant()))
                .list();
    }

    /** Forgets one remembered device of the account; false if it has no such device. */
    public boolean revoke(String userId, String deviceId) {
        return jdbc.sql("DELETE FROM mfa_remembered_devices WHERE user_id = ? AND id = ?").params(userId, deviceId).update() == 1;
    }

    public void revokeAll(String userId) {
        jdbc.sql("DELETE FROM mfa_remembered_devices WHERE user_id = ?").param(userId).update();
    }

    /** A short browser description for the list (the User-Agent, cut), never shown to anyone else. */
    static String describe(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        if (agent == null || agent.isBlank()) {
            return "?";
        }
        String clean = agent.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
