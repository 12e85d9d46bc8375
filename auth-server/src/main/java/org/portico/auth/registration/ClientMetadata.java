package org.portico.auth.registration;

import java.util.List;
import java.util.Set;

/**
 * Validated client metadata of a registration (RFC 7591 section 2 and SMART {@code launch_uri}),
 * defaults applied. Optional values are null when absent.
 *
 * @param redirectUris             exact strings, in the order sent
 * @param grantTypes               {@code authorization_code}, {@code refresh_token}, {@code client_credentials}
 * @param tokenEndpointAuthMethod  {@code none}, {@code client_secret_basic} or {@code private_key_jwt}
 * @param scopes                   scope tokens, as sent
 * @param jwks                     inline public JWK set (JSON), private_key_jwt only
 * @param jwksUri                  https JWK set URL, private_key_jwt only
 * @param tokenEndpointAuthSigningAlg {@code RS384} or {@code ES384}, or null
 */
public record ClientMetadata(
        List<String> redirectUris,
        Set<String> grantTypes,
        String tokenEndpointAuthMethod,
        List<String> scopes,
        String clientName,
        String clientUri,
        String logoUri,
        String policyUri,
        String tosUri,
        List<String> contacts,
        String softwareId,
        String softwareVersion,
        String launchUri,
        String jwks,
        String jwksUri,
        String tokenEndpointAuthSigningAlg) {

    public static final String NONE = "none";
    public static final String CLIENT_SECRET_BASIC = "client_secret_basic";
    public static final String PRIVATE_KEY_JWT = "private_key_jwt";

    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    public ClientMetadata {
        redirectUris = List.copyOf(redirectUris);
        grantTypes = Set.copyOf(grantTypes);
        scopes = List.copyOf(scopes);
        contacts = List.copyOf(contacts);
    }

    public boolean hasSecret() {
        return CLIENT_SECRET_BASIC.equals(tokenEndpointAuthMethod);
    }
}
