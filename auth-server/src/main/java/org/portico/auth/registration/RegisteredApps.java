package org.portico.auth.registration;

import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * What Portico keeps about an app in SAS's client settings beyond SAS's own keys: the RFC 7591
 * metadata shown to patients and developers and the SMART {@code launch_uri} (under their RFC names),
 * and, under {@code settings.client.portico.*}, the inline JWK set, the review flag and the hash of the
 * registration access token. Client settings
 * survive the JDBC round trip as strings, booleans and lists of strings.
 */
public final class RegisteredApps {

    /** Whether an administrator has reviewed the app. Absent (clients from the demo file): reviewed. */
    public static final String VERIFIED = "settings.client.portico.verified";
    /** SHA-256 (base64url) of the RFC 7592 registration access token; only dynamically registered apps have one. */
    public static final String REGISTRATION_TOKEN_HASH = "settings.client.portico.registration-access-token-hash";
    /** The SMART EHR launch URL of the app (SMART App Launch, "launch_uri"). */
    public static final String LAUNCH_URI = "launch_uri";
    /**
     * An inline public JWK set (JSON string) for {@code private_key_jwt}; a JWKS URL goes to SAS's
     * {@code jwk-set-url}. The key is the one client authentication reads for inline keys
     * ({@code ClientKeySettings.INLINE_JWKS} of the private_key_jwt work): keep the two equal.
     */
    public static final String JWKS = "settings.client.portico.jwks";
    public static final String CLIENT_URI = "client_uri";
    public static final String LOGO_URI = "logo_uri";
    public static final String POLICY_URI = "policy_uri";
    public static final String TOS_URI = "tos_uri";
    public static final String CONTACTS = "contacts";
    public static final String SOFTWARE_ID = "software_id";
    public static final String SOFTWARE_VERSION = "software_version";

    private RegisteredApps() {}

    public static boolean isVerified(RegisteredClient client) {
        return !Boolean.FALSE.equals(client.getClientSettings().getSettings().get(VERIFIED));
    }

    public static boolean isDynamicallyRegistered(RegisteredClient client) {
        return client.getClientSettings().getSettings().get(REGISTRATION_TOKEN_HASH) instanceof String;
    }

    static String text(RegisteredClient client, String key) {
        Object value = client.getClientSettings().getSettings().get(key);
        return value instanceof String s ? s : null;
    }

    static List<String> strings(RegisteredClient client, String key) {
        Object value = client.getClientSettings().getSettings().get(key);
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    static Map<String, Object> settings(RegisteredClient client) {
        return client.getClientSettings().getSettings();
    }
}
