package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The logins and clients of a deployment, in the format of Portico's {@code demo/users.json} (also the
 * {@code users} and {@code clients} of a kit configuration file). Read: logins with the patients they
 * are expected to see ({@code patient}, {@code acts_for}), the clients that can launch (they have a
 * redirect URI), and a backend client whose {@code jwks_uri} the kit can serve. Other facts about
 * patients are learnt through the API.
 *
 * <p>A check that needs more logins or clients than the configuration names is skipped, saying so: a
 * gap in the configuration is not a failure of the server.
 */
public record DemoFile(List<Credentials> users, List<ClientRegistration> clients, List<JwksUriClient> jwksUriClients,
        Optional<BulkData> bulk, List<String> singlePatientApiPatients) {

    /** A {@code private_key_jwt} backend client that reads its keys from {@code jwksUri}. */
    public record JwksUriClient(String clientId, URI jwksUri) {}

    /**
     * What a Bulk Data Group export must yield (the {@code bulk} object): the Group's id, the ids of its
     * patients (Inferno's "expected patient ids"; empty: not compared), and optionally a registered
     * backend client the kit signs for with its private JWK ({@code client_id}, {@code private_jwk});
     * without one the kit registers its backend clients by RFC 7591.
     */
    public record BulkData(String groupId, List<String> patients, String clientId, JWK privateKey) {

        public BulkData {
            patients = List.copyOf(patients);
        }
    }

    public DemoFile {
        users = List.copyOf(users);
        clients = List.copyOf(clients);
        jwksUriClients = List.copyOf(jwksUriClients);
        singlePatientApiPatients = List.copyOf(singlePatientApiPatients);
    }

    public DemoFile(List<Credentials> users, List<ClientRegistration> clients, List<JwksUriClient> jwksUriClients) {
        this(users, clients, jwksUriClients, Optional.empty(), List.of());
    }

    public DemoFile(List<Credentials> users, List<ClientRegistration> clients) {
        this(users, clients, List.of(), Optional.empty(), List.of());
    }

    public static DemoFile read(Path file) {
        try {
            return parse(Response.JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the demo file " + file, e);
        }
    }

    /**
     * The {@code users} and {@code clients} arrays of {@code root} (absent arrays mean none), and the
     * patients of the (g)(10) Single Patient API ({@code singlePatientApi.patients}).
     */
    public static DemoFile parse(JsonNode root) {
        List<Credentials> users = new ArrayList<>();
        for (JsonNode user : root.path("users")) {
            List<String> patients = new ArrayList<>();
            if (user.hasNonNull("patient")) {
                patients.add(user.path("patient").asText());
            }
            user.path("acts_for").forEach(other -> patients.add(other.path("patient").asText()));
            users.add(new Credentials(user.path("username").asText(), user.path("password").asText(), patients));
        }
        List<ClientRegistration> clients = new ArrayList<>();
        List<JwksUriClient> jwksUriClients = new ArrayList<>();
        for (JsonNode client : root.path("clients")) {
            List<String> redirects = new ArrayList<>();
            client.path("redirect_uris").forEach(uri -> redirects.add(uri.asText()));
            if (redirects.isEmpty()) {
                if (client.hasNonNull("jwks_uri")) {
                    jwksUriClients.add(new JwksUriClient(client.path("client_id").asText(),
                            URI.create(client.path("jwks_uri").asText())));
                }
                continue; // a backend-services client (client_credentials): no launch
            }
            boolean isPublic = "public".equals(client.path("type").asText());
            clients.add(new ClientRegistration(
                    client.path("client_id").asText(),
                    isPublic ? null : client.path("client_secret").asText(),
                    redirects));
        }
        List<String> apiPatients = new ArrayList<>();
        root.path("singlePatientApi").path("patients").forEach(id -> apiPatients.add(id.asText()));
        return new DemoFile(users, clients, jwksUriClients, bulk(root.path("bulk")), apiPatients);
    }

    private static Optional<BulkData> bulk(JsonNode bulk) {
        if (!bulk.hasNonNull("group_id")) {
            return Optional.empty();
        }
        List<String> patients = new ArrayList<>();
        bulk.path("patients").forEach(p -> patients.add(p.asText()));
        JWK key = null;
        JsonNode jwk = bulk.path("private_jwk");
        if (!jwk.isMissingNode() && !jwk.isNull()) {
            try {
                key = JWK.parse(jwk.isTextual() ? jwk.asText() : jwk.toString());
            } catch (ParseException e) {
                throw new IllegalArgumentException("bulk.private_jwk is not a JWK: " + e.getMessage(), e);
            }
        }
        String clientId = bulk.hasNonNull("client_id") ? bulk.path("client_id").asText() : null;
        if ((clientId == null) != (key == null)) {
            throw new IllegalArgumentException("bulk.client_id and bulk.private_jwk go together");
        }
        return Optional.of(new BulkData(bulk.path("group_id").asText(), patients, clientId, key));
    }

    /** The {@code index}th login (0-based); the check is skipped if the configuration names too few. */
    public Credentials user(int index) {
        Assumptions.assumeTrue(index < users.size(),
                () -> "the configuration names " + users.size() + " logins; this check needs at least " + (index + 1));
        return users.get(index);
    }

    public ClientRegistration publicClient() {
        Optional<ClientRegistration> client = clients.stream().filter(ClientRegistration::isPublic).findFirst();
        Assumptions.assumeTrue(client.isPresent(), "the configuration names no public client");
        return client.get();
    }

    public ClientRegistration confidentialClient() {
        Optional<ClientRegistration> client = clients.stream().filter(c -> !c.isPublic()).findFirst();
        Assumptions.assumeTrue(client.isPresent(), "the configuration names no confidential client");
        return client.get();
    }

    /** The first backend client with a {@code jwks_uri}, if any. */
    public Optional<JwksUriClient> jwksUriClient() {
        return jwksUriClients.stream().findFirst();
    }
}
