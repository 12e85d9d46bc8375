package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo logins and clients of a deployment, in the format of Portico's {@code demo/users.json}.
 * Only logins and the clients that can launch (they have a redirect URI) are read: facts about
 * patients are learnt through the API.
 */
public record DemoFile(List<Credentials> users, List<ClientRegistration> clients) {

    public DemoFile {
        users = List.copyOf(users);
        clients = List.copyOf(clients);
    }

    public static DemoFile read(Path file) {
        JsonNode root;
        try {
            root = Response.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the demo file " + file, e);
        }
        List<Credentials> users = new ArrayList<>();
        for (JsonNode user : root.path("users")) {
            users.add(new Credentials(user.path("username").asText(), user.path("password").asText()));
        }
        List<ClientRegistration> clients = new ArrayList<>();
        for (JsonNode client : root.path("clients")) {
            List<String> redirects = new ArrayList<>();
            client.path("redirect_uris").forEach(uri -> redirects.add(uri.asText()));
            if (redirects.isEmpty()) {
                continue; // a backend-services client (client_credentials): no launch, nothing for the browser tests
            }
            boolean isPublic = "public".equals(client.path("type").asText());
            clients.add(new ClientRegistration(
                    client.path("client_id").asText(),
                    isPublic ? null : client.path("client_secret").asText(),
                    redirects));
        }
        return new DemoFile(users, clients);
    }

    /** The {@code index}th demo login (0-based); fails clearly if the file has too few. */
    public Credentials user(int index) {
        if (index >= users.size()) {
            throw new IllegalStateException("The demo file has " + users.size() + " users; the suite needs at least " + (index + 1));
        }
        return users.get(index);
    }

    public ClientRegistration publicClient() {
        return clients.stream().filter(ClientRegistration::isPublic).findFirst()
                .orElseThrow(() -> new IllegalStateException("The demo file has no public client"));
    }

    public ClientRegistration confidentialClient() {
        return clients.stream().filter(c -> !c.isPublic()).findFirst()
                .orElseThrow(() -> new IllegalStateException("The demo file has no confidential client"));
    }
}
