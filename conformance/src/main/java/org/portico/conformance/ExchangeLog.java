package org.portico.conformance;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The last few HTTP exchanges the kit made, redacted as they are recorded ({@link Redaction}), so a
 * report can show the request and response that decided a check. Every {@link HttpSession} records
 * here; the report takes what was recorded at each test boundary ({@link #drain()}). Checks run one at
 * a time, so one log for the JVM is enough.
 */
public final class ExchangeLog {

    /** How many exchanges are kept between two drains: the deciding one is normally the last. */
    static final int KEEP = 4;
    /** Bodies longer than this are cut in the report. */
    static final int MAX_BODY = 6000;

    /** One redacted exchange; {@code status} is -1 and {@code error} set when no response came. */
    public record Exchange(String method, String uri, List<String> requestHeaders, String requestBody, int status,
            List<String> responseHeaders, String responseBody, String error) {}

    private static final Deque<Exchange> RECENT = new ArrayDeque<>();

    private ExchangeLog() {}

    static void record(String method, URI uri, HttpHeaders requestHeaders, String requestBody, int status,
            HttpHeaders responseHeaders, String responseBody, String error) {
        Exchange exchange = new Exchange(method, Redaction.query(uri.toString()), headers(requestHeaders),
                cut(Redaction.body(requestBody)), status,
                responseHeaders == null ? List.of() : headers(responseHeaders),
                cut(Redaction.body(responseBody)), error);
        synchronized (RECENT) {
            RECENT.addLast(exchange);
            while (RECENT.size() > KEEP) {
                RECENT.removeFirst();
            }
        }
    }

    /** The exchanges recorded since the last drain, oldest first; the log is empty afterwards. */
    public static List<Exchange> drain() {
        synchronized (RECENT) {
            List<Exchange> all = new ArrayList<>(RECENT);
            RECENT.clear();
            return all;
        }
    }

    private static List<String> headers(HttpHeaders headers) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : headers.map().entrySet()) {
            for (String value : header.getValue()) {
                lines.add(header.getKey() + ": " + Redaction.header(header.getKey(), value));
            }
        }
        return lines;
    }

    private static String cut(String body) {
        if (body == null || body.length() <= MAX_BODY) {
            return body;
        }
        return body.substring(0, MAX_BODY) + "\n... (" + (body.length() - MAX_BODY) + " more characters)";
    }
}
