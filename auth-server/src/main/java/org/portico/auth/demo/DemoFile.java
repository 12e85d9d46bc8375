package org.portico.auth.demo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The format of {@code demo/users.json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record DemoFile(List<DemoUser> users, List<DemoClient> clients, List<DemoStaff> staff) {

    DemoFile {
        users = users == null ? List.of() : users;
        clients = clients == null ? List.of() : clients;
        staff = staff == null ? List.of() : staff;
    }

    /**
     * {@code staff}: staff accounts (role STAFF, no patient) for the staff desk; a separate array so that
     * tools reading {@code users} as patient logins (the conformance kit) never meet them.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DemoStaff(String username, String password, String name) {}

    /** {@code acts_for}: other patients the user may act for (e.g. a parent for a child), as staff-recorded proxy grants; {@code level} {@code full} (default) or {@code read-only}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DemoUser(String username, String password, String patient, String name,
            @JsonProperty("acts_for") List<DemoPatient> actsFor) {

        DemoUser {
            actsFor = actsFor == null ? List.of() : actsFor;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DemoPatient(String patient, String name, String level) {}

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
            @JsonProperty("resource_server") Boolean resourceServer,
            @JsonProperty("launch_uri") String launchUri) {}
}
