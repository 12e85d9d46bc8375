package org.portico.auth.launch;

import java.net.URI;
import java.util.Optional;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * An app's EHR launch URL: the client setting {@value #SETTING}. The portal opens it with {@code iss}
 * and {@code launch} (SMART App Launch, EHR launch). Only absolute {@code https} URLs, or {@code http}
 * on a loopback host, are used.
 */
public final class LaunchUris {

    public static final String SETTING = "launch_uri";

    private LaunchUris() {}

    public static Optional<URI> of(RegisteredClient client) {
        Object value = client.getClientSettings().getSetting(SETTING);
        if (!(value instanceof String text) || text.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(text);
            boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
            if (uri.getHost() == null || uri.getFragment() != null
                    || !("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The same client with the launch URL set. */
    public static RegisteredClient withLaunchUri(RegisteredClient client, String launchUri) {
        return RegisteredClient.from(client)
                .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                        .setting(SETTING, launchUri)
                        .build())
                .build();
    }
}
