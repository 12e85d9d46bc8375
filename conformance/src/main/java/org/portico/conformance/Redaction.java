package org.portico.conformance;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of an HTTP exchange before the kit keeps it for a report: credentials in
 * {@code Authorization} and cookies, tokens, codes, verifiers, passwords and client secrets in URLs,
 * form bodies and JSON, and anything shaped like a JWT. Redaction happens when the exchange is
 * recorded, so the unredacted text is never stored.
 */
final class Redaction {

    static final String REDACTED = "<redacted>";

    /** Parameter and JSON member names whose values are secrets. */
    private static final Set<String> SECRET_NAMES = Set.of("password", "client_secret", "code", "code_verifier",
            "refresh_token", "access_token", "id_token", "token", "client_assertion", "assertion",
            "registration_access_token", "_csrf");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern PARAM = Pattern.compile("(^|[?&])([^=&#?\\s\"'<>]+)=([^&#\\s\"'<>]*)");
    private static final Pattern JSON_MEMBER = Pattern.compile("\"([A-Za-z_]+)\"(\\s*:\\s*)\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\"");
    private static final Pattern HIDDEN_INPUT = Pattern.compile(
            "(<input[^>]*name=\"(?:_csrf|code|state)\"[^>]*value=\")([^\"]*)(\")", Pattern.CASE_INSENSITIVE);

    private Redaction() {}

    /** A header value: credentials go, the scheme stays ({@code Bearer <redacted>}). */
    static String header(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization") || lower.equals("proxy-authorization")) {
            int space = value.indexOf(' ');
            return (space > 0 ? value.substring(0, space + 1) : "") + REDACTED;
        }
        if (lower.equals("cookie")) {
            return REDACTED;
        }
        if (lower.equals("set-cookie")) {
            int eq = value.indexOf('=');
            int semi = value.indexOf(';');
            return eq > 0 ? value.substring(0, eq + 1) + REDACTED + (semi > eq ? value.substring(semi) : "") : REDACTED;
        }
        if (lower.equals("location") || lower.equals("content-location")) {
            return query(value);
        }
        return jwts(value);
    }

    /** A URL or an {@code x-www-form-urlencoded} body: secret parameters' values go. */
    static String query(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = PARAM.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2).startsWith("amp;") ? m.group(2).substring(4) : m.group(2); // &amp; in HTML
            try {
                name = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // keep the raw name: a probe may send broken percent-encoding on purpose
            }
            String value = SECRET_NAMES.contains(name.toLowerCase(Locale.ROOT)) ? REDACTED : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
        }
        m.appendTail(out);
        return jwts(out.toString());
    }

    /** A body: parameters of forms and URLs, JSON by member name, HTML hidden inputs, and JWTs anywhere. */
    static String body(String body) {
        if (body == null || body.isEmpty()) {
            return body;
        }
        // forms, and URLs anywhere (redirects in HTML, links in JSON)
        String text = query(body);
        Matcher m = JSON_MEMBER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String member = m.group(1).toLowerCase(Locale.ROOT);
            // in JSON, "code" is a FHIR code (Coding.code, OperationOutcome.issue.code), never an authorization code
            String value = SECRET_NAMES.contains(member) && !member.equals("code") ? REDACTED : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement("\"" + m.group(1) + "\"" + m.group(2) + "\"" + value + "\""));
        }
        m.appendTail(out);
        text = HIDDEN_INPUT.matcher(out).replaceAll("$1" + REDACTED + "$3");
        return jwts(text);
    }

    private static String jwts(String text) {
        return JWT.matcher(text).replaceAll("<jwt " + REDACTED + ">");
    }
}
