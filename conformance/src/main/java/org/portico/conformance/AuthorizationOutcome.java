package org.portico.conformance;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Where a run of {@link LoginDriver} ended.
 *
 * @param redirect   the redirect the driver did not follow: to the client's redirect_uri, or away from
 *                   the authorization server; null when it stopped at a page (an error page, say)
 * @param toClient   whether {@code redirect} goes to the redirect_uri of the request
 * @param last       the last response received
 * @param trail      each request made, as {@code METHOD uri -> status}, for assertion messages
 */
public record AuthorizationOutcome(URI redirect, boolean toClient, Response last, List<String> trail) {

    public AuthorizationOutcome {
        trail = List.copyOf(trail);
    }

    public boolean redirectedToClient() {
        return toClient;
    }

    public Optional<String> code() {
        return parameter("code");
    }

    public Optional<String> state() {
        return parameter("state");
    }

    public Optional<String> error() {
        return parameter("error");
    }

    /** A query parameter of the redirect to the client (response_mode=query). */
    public Optional<String> parameter(String name) {
        if (!toClient || redirect.getRawQuery() == null) {
            return Optional.empty();
        }
        for (String pair : redirect.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** The trail and the last response, for assertion messages. */
    public String describe() {
        return String.join("\n", trail) + "\nlast response: " + last;
    }

    @Override
    public String toString() {
        return describe();
    }
}
