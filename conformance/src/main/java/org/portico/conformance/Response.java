package org.portico.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;

/** One HTTP exchange as the suite sees it: where it went, the status, the headers and the body as text. */
public record Response(String method, URI uri, int status, HttpHeaders headers, String body) {

    static final ObjectMapper JSON = new ObjectMapper();

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public String contentType() {
        return header("Content-Type").orElse("");
    }

    public boolean isRedirect() {
        return status >= 300 && status < 400 && header("Location").isPresent();
    }

    /** The {@code Location} header resolved against the request URI. */
    public Optional<URI> location() {
        return header("Location").map(uri::resolve);
    }

    /** The body parsed as JSON; fails with the body in the message when it is not JSON. */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Not JSON (" + describe() + "): " + abbreviatedBody(), e);
        }
    }

    /** A one-line description for assertion messages, e.g. {@code GET http://... -> 403}. */
    public String describe() {
        return method + " " + uri + " -> " + status;
    }

    /** The start of the body, for assertion messages. */
    public String abbreviatedBody() {
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }

    @Override
    public String toString() {
        return describe() + "\n" + abbreviatedBody();
    }
}
