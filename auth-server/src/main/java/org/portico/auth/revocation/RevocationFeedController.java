package org.portico.auth.revocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /portico/revocations?since=<epochSeconds>}: {@code {"revoked":[{"grant":"...","revoked_at":n}],"now":n}}.
 * The fhir-server polls it and passes the answer's {@code now} as the next {@code since}. Unauthenticated:
 * see ADR 0003.
 */
@RestController
public class RevocationFeedController {

    private final RevocationFeed feed;

    public RevocationFeedController(RevocationFeed feed) {
        this.feed = feed;
    }

    @GetMapping(AuthEndpoints.REVOCATION_FEED_PATH)
    public ResponseEntity<Map<String, Object>> revocations(@RequestParam(name = "since", required = false) String since) {
        long from;
        try {
            from = since == null || since.isBlank() ? 0 : Long.parseLong(since.trim());
        } catch (NumberFormatException e) {
            return ResponseEntity.badRequest().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("error", "invalid_request", "error_description", "since must be epoch seconds"));
        }
        long now = feed.now();
        List<Map<String, Object>> revoked = feed.since(from).stream()
                .map(e -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("grant", e.grant());
                    entry.put("revoked_at", e.revokedAt());
                    return entry;
                })
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revoked", revoked);
        body.put("now", now);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
