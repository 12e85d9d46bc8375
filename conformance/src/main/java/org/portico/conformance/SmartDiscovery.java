package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The parts of a {@code .well-known/smart-configuration} document the suite navigates by. */
public record SmartDiscovery(JsonNode json) {

    public URI authorizationEndpoint() {
        return uri("authorization_endpoint");
    }

    public URI tokenEndpoint() {
        return uri("token_endpoint");
    }

    public URI issuer() {
        return uri("issuer");
    }

    public List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        json.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    private URI uri(String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("smart-configuration has no " + field + ": " + json);
        }
        return URI.create(value.asText());
    }
}
