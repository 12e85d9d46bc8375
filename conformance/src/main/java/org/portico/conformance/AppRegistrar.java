package org.portico.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/** Registers apps the way a developer does: RFC 7591 dynamic client registration at the server's registration endpoint. */
public final class AppRegistrar {

    private final HttpSession http;
    private final URI registrationEndpoint;

    public AppRegistrar(URI registrationEndpoint, HttpSession http) {
        this.registrationEndpoint = registrationEndpoint;
        this.http = http;
    }

    public URI registrationEndpoint() {
        return registrationEndpoint;
    }

    /** {@code POST} of the client metadata as JSON; the answer as it comes (201 with the registration, or an error). */
    public Response register(Map<String, ?> metadata) {
        String json;
        try {
            json = Response.JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Client metadata is not JSON-serialisable", e);
        }
        return http.send(HttpSession.request(registrationEndpoint, "Content-Type", "application/json", "Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), json);
    }

    /** Registers and fails with the answer unless it is 201 with a client_id. */
    public Response registerOrFail(Map<String, ?> metadata) {
        Response response = register(metadata);
        if (response.status() != 201 || !response.json().hasNonNull("client_id")) {
            throw new IllegalStateException("Registration failed: " + response);
        }
        return response;
    }
}
