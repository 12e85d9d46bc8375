package org.portico.auth.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.tokens.PortalTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads one patient's access log from the fhir-server: {@code GET {fhir}/AuditEvent?patient=...&_sort=-date}
 * with a portal token ({@link PortalTokens}), following {@code next} links up to {@link #MAX_ENTRIES}
 * entries and {@link #WINDOW} back. The FHIR URL is {@code portico.auth.fhir-internal-url}; a
 * {@code next} link is only followed on that server (or the public FHIR base, rewritten to it), so the
 * token never goes anywhere else. Any failure gives {@link Result#unavailable()}, logged without PHI.
 */
@Component
public class AccessLogReader {

    public static final Duration WINDOW = Duration.ofDays(90);
    public static final int MAX_ENTRIES = 200;
    static final int PAGE_SIZE = 50;

    private static final Logger log = LoggerFactory.getLogger(AccessLogReader.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PortalTokens tokens;
    private final String internalBase;
    private final String publicBase;
    private final HttpClient http;

    @Autowired
    public AccessLogReader(PortalTokens tokens, AuthProperties properties) {
        this(tokens, properties.fhirInternalBase(), properties.fhirBase());
    }

    AccessLogReader(PortalTokens tokens, String internalBase, String publicBase) {
        this.tokens = tokens;
        this.internalBase = internalBase;
        this.publicBase = publicBase;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param entries newest first; at most {@link #MAX_ENTRIES}
     * @param more    whether older entries (inside the window) were left out
     * @param available false when the log could not be read; entries is then empty
     */
    public record Result(List<AccessEntry> entries, boolean more, boolean available) {
        static Result unavailable() {
            return new Result(List.of(), false, false);
        }
    }

    /**
     * The patient's log, newest first, from the last {@link #WINDOW}, only entries recorded before
     * {@code before} when it is given (the "older entries" link).
     */
    public Result read(UserAccount user, ActingFor patient, Instant before, java.util.Set<String> labels) {
        Instant since = Instant.now().minus(WINDOW).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder query = new StringBuilder(internalBase).append("/AuditEvent?patient=").append(encode(patient.patientId()))
                .append("&_sort=-date&_count=").append(PAGE_SIZE)
                .append("&date=ge").append(encode(since.toString()));
        if (before != null) {
            query.append("&date=lt").append(encode(before.toString()));
        }
        URI next = URI.create(query.toString());
        String token = tokens.auditLogReader(user, patient, labels);
        List<AccessEntry> entries = new ArrayList<>();
        try {
            while (next != null) {
                JsonNode bundle = get(next, token);
                for (JsonNode entry : bundle.path("entry")) {
                    JsonNode resource = entry.path("resource");
                    if ("AuditEvent".equals(resource.path("resourceType").asText())) {
                        if (entries.size() == MAX_ENTRIES) {
                            return new Result(entries, true, true);
                        }
                        entries.add(AccessEntry.from(resource));
                    }
                }
                next = nextLink(bundle);
                if (next != null && entries.size() == MAX_ENTRIES) {
                    return new Result(entries, true, true);
                }
            }
            return new Result(entries, false, true);
        } catch (Unavailable e) {
            log.warn("access log unavailable: {}", e.getMessage());
            return Result.unavailable();
        }
    }

    private JsonNode get(URI uri, String token) throws Unavailable {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("GET " + where + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("GET " + where + " interrupted");
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("GET " + where + " answered " + response.statusCode());
        }
        try {
            JsonNode bundle = JSON.readTree(response.body());
            if (!"Bundle".equals(bundle.path("resourceType").asText())) {
                throw new Unavailable("GET " + where + " did not answer a Bundle");
            }
            return bundle;
        } catch (IOException e) {
            throw new Unavailable("GET " + where + " did not answer JSON");
        }
    }

    /** The bundle's {@code next} link, on the FHIR server we call; null when there is none or it points elsewhere. */
    URI nextLink(JsonNode bundle) {
        for (JsonNode link : bundle.path("link")) {
            if (!"next".equals(link.path("relation").asText())) {
                continue;
            }
            String url = link.path("url").asText("");
            if (url.startsWith(internalBase + "?") || url.startsWith(internalBase + "/")) {
                return safeUri(url);
            }
            if (url.startsWith(publicBase + "?") || url.startsWith(publicBase + "/")) {
                return safeUri(internalBase + url.substring(publicBase.length()));
            }
            log.warn("access log: ignoring a next link outside the FHIR base");
            return null;
        }
        return null;
    }

    private static URI safeUri(String url) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The log cannot be read right now; the message is for the server log (no PHI, no token). */
    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
