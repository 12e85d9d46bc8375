package org.portico.auth.demo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The format of {@code demo/users.json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record DemoFile(List<DemoUser> users, List<DemoClient> clients) {

    DemoFile {
        users = users == null ? List.of() : users;
        clients = clients == null ? List.of() : clients;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DemoUser(String username, String password, String patient, String name) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DemoClient(
            @JsonProperty("client_id") String clientId,
            @JsonProperty("client_name") String clientName,
            String type,
            @JsonProperty("client_secret") String clientSecret,
            @JsonProperty("redirect_uris") List<String> redirectUris,
            String scope,
            @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
            @JsonProperty("grant_types") List<String> grantTypes,
            @JsonProperty("jwks_uri") String jwksUri,
            JsonNode jwks,
            @JsonProperty("resource_server") Boolean resourceServer) {}
}
