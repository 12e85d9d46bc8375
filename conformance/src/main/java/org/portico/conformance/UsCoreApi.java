package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The FHIR requests of the Single Patient API suite with a patient's access token: reads, searches by
 * GET and by {@code POST _search}, following {@code next} links (at most 20 pages, as Inferno).
 */
final class UsCoreApi {

    static final int MAX_PAGES = 20;

    private final SmartClient smart;

    UsCoreApi(SmartClient smart) {
        this.smart = smart;
    }

    /** A search's outcome: the first response (or the failing one), and the entries of all pages. */
    record Searchset(String query, Response first, Response failed, List<JsonNode> matches, List<JsonNode> included) {

        boolean ok() {
            return failed == null;
        }

        String describe() {
            return failed != null ? failed.toString() : first.describe() + " (" + matches.size() + " matches)";
        }
    }

    Response read(String typeAndId, String token) {
        return smart.read(typeAndId, token);
    }

    /** {@code GET {type}?{query}}, all pages. */
    Searchset search(String type, String query, String token) {
        Response first = smart.read(type + "?" + query, token);
        return pages(type + "?" + query, first, token);
    }

    /** {@code POST {type}/_search} with the query as form body, all pages. */
    Searchset post(String type, String query, String token) {
        URI uri = smart.fhirUri(type + "/_search");
        HttpRequest request = HttpSession.request(uri, "Authorization", "Bearer " + token, "Accept", "application/fhir+json",
                "Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(query)).build();
        Response first = smart.http().send(request, query);
        return pages("POST " + type + "/_search " + query, first, token);
    }

    private Searchset pages(String query, Response first, String token) {
        List<JsonNode> matches = new ArrayList<>();
        List<JsonNode> included = new ArrayList<>();
        Response page = first;
        for (int n = 0; n < MAX_PAGES; n++) {
            if (page.status() != 200) {
                return new Searchset(query, first, page, matches, included);
            }
            JsonNode bundle = page.json();
            if (!"Bundle".equals(bundle.path("resourceType").asText()) || !"searchset".equals(bundle.path("type").asText())) {
                return new Searchset(query, first, page, matches, included);
            }
            for (JsonNode entry : bundle.path("entry")) {
                String mode = entry.path("search").path("mode").asText("match");
                if (mode.equals("include")) {
                    included.add(entry.path("resource"));
                } else if (mode.equals("match")) {
                    matches.add(entry.path("resource"));
                }
            }
            String next = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                break;
            }
            page = smart.http().getWithToken(URI.create(next), token, "Accept", "application/fhir+json");
        }
        return new Searchset(query, first, null, matches, included);
    }

    /** A query string from parameter/value pairs, values URL-encoded. */
    static String query(Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> {
            if (q.length() > 0) {
                q.append('&');
            }
            q.append(k).append('=').append(HttpSession.encode(v));
        });
        return q.toString();
    }
}
