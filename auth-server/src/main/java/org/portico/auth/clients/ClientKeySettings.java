package org.portico.auth.clients;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.text.ParseException;
import java.util.Locale;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * Where a {@code private_key_jwt} client's public keys are: SAS's own {@link ClientSettings#getJwkSetUrl()}
 * for a {@code jwks_uri}, or an inline JWKS (RFC 7591 {@code jwks}) kept as a JSON string in the client
 * settings under {@link #INLINE_JWKS}. Also the flag that lets a resource server introspect any token.
 */
public final class ClientKeySettings {

    /** An inline JWKS (public keys only), as a JSON string. */
    public static final String INLINE_JWKS = "settings.client.portico.jwks";
    /** {@code true}: the client is a resource server and may introspect tokens issued to any client. */
    public static final String RESOURCE_SERVER = "settings.client.portico.resource-server";

    private ClientKeySettings() {}

    public static String inlineJwks(RegisteredClient client) {
        Object value = client.getClientSettings().getSetting(INLINE_JWKS);
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    public static boolean isResourceServer(RegisteredClient client) {
        return Boolean.TRUE.equals(client.getClientSettings().getSetting(RESOURCE_SERVER));
    }

    /**
     * Checks a JWKS a client registers inline: parseable, at least one key, and public keys only
     * (a private key in a registration is a leak, refused rather than silently stripped).
     *
     * @return the JWKS as JSON
     * @throws IllegalArgumentException with a message for the operator or developer
     */
    public static String validatedInlineJwks(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("jwks is not a JSON Web Key Set: " + e.getMessage());
        }
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("jwks has no keys");
        }
        if (set.getKeys().stream().anyMatch(JWK::isPrivate)) {
            throw new IllegalArgumentException("jwks contains a private key: register public keys only");
        }
        return set.toString(true);
    }

    /** A {@code jwks_uri} must be an absolute http(s) URL. */
    public static String validatedJwksUri(String uri) {
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!parsed.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || parsed.getHost() == null) {
            throw new IllegalArgumentException("jwks_uri must be an absolute https URL: " + uri);
        }
        return parsed.toString();
    }
}
