package org.portico.auth.registration;

import static org.portico.auth.registration.ClientMetadata.AUTHORIZATION_CODE;
import static org.portico.auth.registration.ClientMetadata.CLIENT_CREDENTIALS;
import static org.portico.auth.registration.ClientMetadata.CLIENT_SECRET_BASIC;
import static org.portico.auth.registration.ClientMetadata.NONE;
import static org.portico.auth.registration.ClientMetadata.PRIVATE_KEY_JWT;
import static org.portico.auth.registration.ClientMetadata.REFRESH_TOKEN;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.portico.auth.clients.JwksUriGuard;
import org.portico.auth.clients.RedirectUriMatcher;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.StandardScope;
import org.portico.smart.scope.UnknownScope;

/**
 * Checks the metadata of a registration request (RFC 7591 section 2) against what Portico supports
 * and applies the defaults. Unrecognised fields are ignored (RFC 7591 section 2); a recognised field
 * with a value we cannot honour is an error, never silently changed.
 */
public final class ClientMetadataValidator {

    static final int MAX_REDIRECT_URIS = 20;
    static final int MAX_URI_LENGTH = 2000;
    static final int MAX_SCOPES = 100;
    static final int MAX_CONTACTS = 10;
    static final int MAX_KEYS = 10;
    static final int MAX_TEXT = 200;

    /** Signing algorithms SMART App Launch asks servers to support for client assertions. */
    static final Set<String> SIGNING_ALGORITHMS = Set.of("RS384", "ES384");
    static final Set<String> AUTH_METHODS = Set.of(NONE, CLIENT_SECRET_BASIC, PRIVATE_KEY_JWT);
    static final List<String> GRANT_TYPES_IN_ORDER = List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);
    static final Set<String> GRANT_TYPES = Set.copyOf(GRANT_TYPES_IN_ORDER);

    static final String DEFAULT_USER_SCOPE = "openid fhirUser launch/patient patient/*.rs";
    static final String DEFAULT_REFRESH_SCOPE = "offline_access";
    static final String DEFAULT_SYSTEM_SCOPE = "system/*.rs";

    private ClientMetadataValidator() {}

    /**
     * @param jwksUris where a {@code jwks_uri} may point (no loopback, private, link-local... host unless
     *                 the operator allows it)
     */
    public static ClientMetadata validate(Map<String, Object> request, JwksUriGuard jwksUris) {
        String authMethod = optionalText(request, "token_endpoint_auth_method");
        if (authMethod == null) {
            authMethod = CLIENT_SECRET_BASIC; // RFC 7591 section 2
        } else if (!AUTH_METHODS.contains(authMethod)) {
            throw RegistrationException.invalidMetadata("token_endpoint_auth_method '" + authMethod
                    + "' is not supported; use none, client_secret_basic or private_key_jwt");
        }

        Set<String> grantTypes = grantTypes(request, authMethod);
        List<String> redirectUris = redirectUris(request, grantTypes);
        responseTypes(request, grantTypes);

        String jwksUri = optionalText(request, "jwks_uri");
        String jwks = request.containsKey("jwks") ? jwks(request.get("jwks")) : null;
        String signingAlg = optionalText(request, "token_endpoint_auth_signing_alg");
        if (PRIVATE_KEY_JWT.equals(authMethod)) {
            if ((jwks == null) == (jwksUri == null)) {
                throw RegistrationException.invalidMetadata("private_key_jwt needs exactly one of jwks and jwks_uri");
            }
            if (jwksUri != null) {
                jwksUri = uri("jwks_uri", jwksUri, false);
                publicHost(jwksUri, jwksUris);
            }
            if (signingAlg != null && !SIGNING_ALGORITHMS.contains(signingAlg)) {
                throw RegistrationException.invalidMetadata("token_endpoint_auth_signing_alg must be RS384 or ES384");
            }
        } else if (jwks != null || jwksUri != null || signingAlg != null) {
            throw RegistrationException.invalidMetadata(
                    "jwks, jwks_uri and token_endpoint_auth_signing_alg are only for token_endpoint_auth_method private_key_jwt");
        }

        List<String> scopes = scopes(request, authMethod, grantTypes);

        return new ClientMetadata(
                redirectUris,
                grantTypes,
                authMethod,
                scopes,
                text(request, "client_name"),
                optionalUri(request, "client_uri"),
                optionalUri(request, "logo_uri"),
                optionalUri(request, "policy_uri"),
                optionalUri(request, "tos_uri"),
                contacts(request),
                text(request, "software_id"),
                text(request, "software_version"),
                optionalUri(request, "launch_uri"),
                jwks,
                jwksUri,
                signingAlg);
    }

    /**
     * Refuses a {@code jwks_uri} whose host resolves to an address the server must not fetch from
     * (SSRF). A host that does not resolve now is accepted: {@link org.portico.auth.clients.ClientJwks}
     * checks the address again on every fetch.
     */
    private static void publicHost(String jwksUri, JwksUriGuard jwksUris) {
        try {
            jwksUris.resolve(URI.create(jwksUri).getHost());
        } catch (JwksUriGuard.RefusedAddressException e) {
            throw RegistrationException.invalidMetadata("jwks_uri '" + abbreviate(jwksUri) + "': " + e.getMessage());
        } catch (UnknownHostException e) {
            // not resolvable now; checked again before every fetch
        }
    }

    private static Set<String> grantTypes(Map<String, Object> request, String authMethod) {
        Set<String> grantTypes = new LinkedHashSet<>(
                request.containsKey("grant_types") ? strings(request, "grant_types") : List.of(AUTHORIZATION_CODE));
        if (grantTypes.isEmpty()) {
            throw RegistrationException.invalidMetadata("grant_types must not be empty");
        }
        for (String grantType : grantTypes) {
            if (!GRANT_TYPES.contains(grantType)) {
                throw RegistrationException.invalidMetadata("grant type '" + grantType
                        + "' is not supported; use authorization_code, refresh_token or client_credentials");
            }
        }
        if (grantTypes.contains(REFRESH_TOKEN) && !grantTypes.contains(AUTHORIZATION_CODE)) {
            throw RegistrationException.invalidMetadata("refresh_token is only issued with the authorization_code grant");
        }
        if (grantTypes.contains(CLIENT_CREDENTIALS) && !PRIVATE_KEY_JWT.equals(authMethod)) {
            throw RegistrationException.invalidMetadata(
                    "client_credentials (SMART Backend Services) needs token_endpoint_auth_method private_key_jwt");
        }
        return grantTypes;
    }

    private static List<String> redirectUris(Map<String, Object> request, Set<String> grantTypes) {
        List<String> uris;
        try {
            uris = request.containsKey("redirect_uris") ? strings(request, "redirect_uris") : List.of();
        } catch (RegistrationException e) {
            throw RegistrationException.invalidRedirectUri(e.getMessage());
        }
        if (grantTypes.contains(AUTHORIZATION_CODE) && uris.isEmpty()) {
            throw RegistrationException.invalidRedirectUri("redirect_uris is required for the authorization_code grant");
        }
        if (uris.size() > MAX_REDIRECT_URIS) {
            throw RegistrationException.invalidRedirectUri("at most " + MAX_REDIRECT_URIS + " redirect_uris");
        }
        for (String uri : uris) {
            String problem = uriProblem(uri, true);
            if (problem != null) {
                throw RegistrationException.invalidRedirectUri("redirect URI '" + abbreviate(uri) + "' " + problem);
            }
        }
        return List.copyOf(new LinkedHashSet<>(uris));
    }

    private static void responseTypes(Map<String, Object> request, Set<String> grantTypes) {
        if (!request.containsKey("response_types")) {
            return;
        }
        List<String> responseTypes = strings(request, "response_types");
        for (String responseType : responseTypes) {
            if (!"code".equals(responseType)) {
                throw RegistrationException.invalidMetadata("response type '" + responseType + "' is not supported; use code");
            }
        }
        if (responseTypes.contains("code") != grantTypes.contains(AUTHORIZATION_CODE)) {
            throw RegistrationException.invalidMetadata(
                    "response_types code and grant type authorization_code go together (RFC 7591 section 2.1)");
        }
    }

    private static List<String> scopes(Map<String, Object> request, String authMethod, Set<String> grantTypes) {
        String scope = optionalText(request, "scope");
        if (scope == null || scope.isBlank()) {
            List<String> defaults = new ArrayList<>();
            if (grantTypes.contains(AUTHORIZATION_CODE)) {
                defaults.add(DEFAULT_USER_SCOPE);
            }
            if (grantTypes.contains(REFRESH_TOKEN)) {
                defaults.add(DEFAULT_REFRESH_SCOPE);
            }
            if (grantTypes.contains(CLIENT_CREDENTIALS)) {
                defaults.add(DEFAULT_SYSTEM_SCOPE);
            }
            scope = String.join(" ", defaults);
        }
        List<Scope> parsed = ScopeParser.parseAll(scope).scopes();
        if (parsed.size() > MAX_SCOPES) {
            throw RegistrationException.invalidMetadata("at most " + MAX_SCOPES + " scopes");
        }
        Set<String> result = new LinkedHashSet<>();
        for (Scope s : parsed) {
            if (s instanceof UnknownScope unknown) {
                throw RegistrationException.invalidMetadata(
                        "scope '" + abbreviate(unknown.original()) + "' is not supported: " + unknown.reason());
            }
            if (s instanceof StandardScope standard && standard.requestsRefreshToken() && !grantTypes.contains(REFRESH_TOKEN)) {
                throw RegistrationException.invalidMetadata(
                        "scope '" + standard.value() + "' needs the refresh_token grant in grant_types");
            }
            if (s instanceof ResourceScope resource) {
                if (!Set.of(Interaction.READ, Interaction.SEARCH).containsAll(resource.interactions())) {
                    throw RegistrationException.invalidMetadata("scope '" + abbreviate(resource.original())
                            + "' is not supported: the FHIR API is read-only (use .r, .s, .rs or .read)");
                }
                if (resource.compartment() == Compartment.SYSTEM
                        && !(PRIVATE_KEY_JWT.equals(authMethod) && grantTypes.contains(CLIENT_CREDENTIALS))) {
                    throw RegistrationException.invalidMetadata("scope '" + abbreviate(resource.original())
                            + "': system/ scopes are only for private_key_jwt clients with the client_credentials grant");
                }
            }
            result.add(s.original());
        }
        return List.copyOf(result);
    }

    private static String jwks(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw RegistrationException.invalidMetadata("jwks must be a JSON object with a keys array");
        }
        JWKSet set;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) map;
            set = JWKSet.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw RegistrationException.invalidMetadata("jwks is not a valid JWK set (RFC 7517)");
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
            throw RegistrationException.invalidMetadata("jwks must hold between 1 and " + MAX_KEYS + " keys");
        }
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw RegistrationException.invalidMetadata("jwks must hold public keys only");
            }
            if (!KeyType.RSA.equals(key.getKeyType()) && !KeyType.EC.equals(key.getKeyType())) {
                throw RegistrationException.invalidMetadata("jwks keys must be RSA or EC keys");
            }
        }
        return set.toString(true);
    }

    private static List<String> contacts(Map<String, Object> request) {
        if (!request.containsKey("contacts")) {
            return List.of();
        }
        List<String> contacts = strings(request, "contacts");
        if (contacts.size() > MAX_CONTACTS) {
            throw RegistrationException.invalidMetadata("at most " + MAX_CONTACTS + " contacts");
        }
        for (String contact : contacts) {
            if (contact.isBlank() || contact.length() > 320) {
                throw RegistrationException.invalidMetadata("contacts must be e-mail addresses");
            }
        }
        return contacts;
    }

    private static String optionalUri(Map<String, Object> request, String name) {
        String value = optionalText(request, name);
        return value == null ? null : uri(name, value, true);
    }

    private static String uri(String name, String value, boolean allowLoopbackHttp) {
        String problem = uriProblem(value, allowLoopbackHttp);
        if (problem != null) {
            throw RegistrationException.invalidMetadata(name + " '" + abbreviate(value) + "' " + problem);
        }
        return value;
    }

    /**
     * Why the URI cannot be registered, or null: absolute https (or http on a loopback address, RFC
     * 8252 section 7.3, when allowed), a host, no user info, no fragment.
     */
    static String uriProblem(String value, boolean allowLoopbackHttp) {
        if (value.length() > MAX_URI_LENGTH) {
            return "is longer than " + MAX_URI_LENGTH + " characters";
        }
        if (value.indexOf('#') >= 0) {
            return "must not have a fragment";
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "is not a valid URI";
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "must be an absolute URL with a host and no user info";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = RedirectUriMatcher.isLoopback(uri.getHost());
        if ("https".equals(scheme) || ("http".equals(scheme) && loopback && allowLoopbackHttp)) {
            return null;
        }
        return allowLoopbackHttp ? "must use https (http only on a loopback address)" : "must use https";
    }

    private static String optionalText(Map<String, Object> request, String name) {
        Object value = request.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw RegistrationException.invalidMetadata(name + " must be a string");
        }
        return withoutControlCharacters(name, s);
    }

    /**
     * No metadata string may hold a control character: none has a use for one, and PostgreSQL refuses
     * NUL (a client_name with U+0000 was a 500, found by the conformance kit's probe PROBE-REG-06).
     */
    private static String withoutControlCharacters(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw RegistrationException.invalidMetadata(name + " must not contain control characters");
            }
        }
        return value;
    }

    private static String text(Map<String, Object> request, String name) {
        String value = optionalText(request, name);
        if (value != null && (value.isBlank() || value.length() > MAX_TEXT)) {
            throw RegistrationException.invalidMetadata(name + " must have 1 to " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static List<String> strings(Map<String, Object> request, String name) {
        Object value = request.get(name);
        if (!(value instanceof List<?> list)) {
            throw RegistrationException.invalidMetadata(name + " must be an array of strings");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw RegistrationException.invalidMetadata(name + " must be an array of strings");
            }
            result.add(withoutControlCharacters(name, s));
        }
        return result;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
