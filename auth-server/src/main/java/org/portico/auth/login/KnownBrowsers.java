package org.portico.auth.login;

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
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.portico.auth.notify.AccountNotice;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The browsers an account has signed in from, by a random id in a long-lived HttpOnly cookie (only its
 * SHA-256 is stored, in {@code known_browsers}). A sign-in from a browser the account has not used before
 * publishes a {@link AccountNotice.Kind#NEW_DEVICE} notice, except the account's very first sign-in.
 */
@Component
public class KnownBrowsers {

    public static final String COOKIE = "portico_browser";
    private static final Duration LIFETIME = Duration.ofDays(400);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public KnownBrowsers(JdbcClient jdbc, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** Called after a successful sign-in of {@code userId}. */
    public void signedIn(HttpServletRequest request, HttpServletResponse response, String userId) {
        String token = cookie(request);
        if (token == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, token).httpOnly(true).secure(request.isSecure())
                    .sameSite("Lax").path("/").maxAge(LIFETIME).build().toString());
        }
        String hash = hash(token);
        boolean known = jdbc.sql("SELECT count(*) FROM known_browsers WHERE user_id = ? AND browser_hash = ?")
                .params(userId, hash).query(Integer.class).single() > 0;
        if (known) {
            return;
        }
        boolean first = jdbc.sql("SELECT count(*) FROM known_browsers WHERE user_id = ?").param(userId).query(Integer.class).single() == 0;
        jdbc.sql("INSERT INTO known_browsers (user_id, browser_hash, first_seen_at) VALUES (?, ?, ?)")
                .params(userId, hash, Timestamp.from(clock.instant()))
                .update();
        if (!first) {
            events.publishEvent(new AccountNotice(userId, AccountNotice.Kind.NEW_DEVICE, clock.instant(),
                    Map.of("device", describe(request))));
        }
    }

    private static String cookie(HttpServletRequest request) {
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (COOKIE.equals(cookie.getName()) && cookie.getValue() != null && cookie.getValue().length() >= 32) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    /** The browser as the notice names it: its User-Agent, cut short. */
    static String describe(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        if (agent == null || agent.isBlank()) {
            return "unknown browser";
        }
        String clean = agent.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
