package org.portico.auth.registration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.portico.auth.account.AppGrants;
import org.portico.auth.clients.ClientRegistrations;
import org.portico.auth.clients.JwksUriGuard;
import org.portico.auth.config.AuthProperties;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * RFC 7591 registration and RFC 7592 read, update and delete of apps. The server makes the client id,
 * the secret (returned once, stored as a bcrypt hash) and the registration access token (returned on
 * registration, stored as a SHA-256 hash). Every app registered here is unverified until an
 * administrator reviews it; an update makes it unverified again.
 */
@Service
public class ClientRegistrationService {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegisteredClientRepository clients;
    private final ClientRegistrations registrations;
    private final PasswordEncoder passwordEncoder;
    private final AppGrants grants;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final AuthEndpoints endpoints;
    private final JwksUriGuard jwksUris;

    public ClientRegistrationService(RegisteredClientRepository clients, ClientRegistrations registrations,
            PasswordEncoder passwordEncoder, AppGrants grants, JdbcClient jdbc, ObjectMapper json, AuthProperties properties,
            JwksUriGuard jwksUris) {
        this.clients = clients;
        this.registrations = registrations;
        this.passwordEncoder = passwordEncoder;
        this.grants = grants;
        this.jdbc = jdbc;
        this.json = json;
        this.endpoints = new AuthEndpoints(properties.issuer());
        this.jwksUris = jwksUris;
    }

    /** RFC 7591 section 3.1: registers the app and returns the client information response (section 3.2.1). */
    @Transactional
    public Map<String, Object> register(ClientMetadata metadata) {
        String clientId = UUID.randomUUID().toString();
        String registrationToken = randomToken();
        String secret = metadata.hasSecret() ? randomToken() : null;
        RegisteredClient client = build(UUID.randomUUID().toString(), clientId, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                secret == null ? null : passwordEncoder.encode(secret), metadata, hash(registrationToken));
        clients.save(client);
        decisions.info("client registered: client={} auth={} grants={}", clientId,
                metadata.tokenEndpointAuthMethod(), metadata.grantTypes());
        Map<String, Object> response = information(client, registrationToken);
        if (secret != null) {
            // only here, once: we keep a hash
            response.put("client_secret", secret);
            response.put("client_secret_expires_at", 0);
        }
        return response;
    }

    /** RFC 7592 section 2.1. */
    public Map<String, Object> read(String clientId, String registrationToken) {
        return information(authenticate(clientId, registrationToken), registrationToken);
    }

    /** RFC 7592 section 2.2: the request replaces the metadata; id, secret and token stay. */
    @Transactional
    public Map<String, Object> update(String clientId, String registrationToken, Map<String, Object> request) {
        RegisteredClient current = authenticate(clientId, registrationToken);
        if (!clientId.equals(request.get("client_id"))) {
            throw RegistrationException.invalidMetadata("client_id must be given and equal the registered client_id");
        }
        Object secret = request.get("client_secret");
        if (secret != null && (!(secret instanceof String s) || current.getClientSecret() == null
                || !passwordEncoder.matches(s, current.getClientSecret()))) {
            throw RegistrationException.invalidMetadata("client_secret does not match; the secret cannot be changed");
        }
        ClientMetadata metadata = ClientMetadataValidator.validate(request, jwksUris);
        String method = current.getClientAuthenticationMethods().iterator().next().getValue();
        if (!method.equals(metadata.tokenEndpointAuthMethod())) {
            throw RegistrationException.invalidMetadata(
                    "token_endpoint_auth_method cannot change (registered: " + method + "); register a new client");
        }
        RegisteredClient updated = build(current.getId(), clientId, current.getClientIdIssuedAt(),
                current.getClientSecret(), metadata, (String) RegisteredApps.settings(current).get(RegisteredApps.REGISTRATION_TOKEN_HASH));
        clients.save(updated);
        decisions.info("client updated: client={} (unverified again)", clientId);
        return information(updated, registrationToken);
    }

    /** RFC 7592 section 2.3: the app, its grants (tokens stop working) and its consent records go. */
    @Transactional
    public void delete(String clientId, String registrationToken) {
        RegisteredClient client = authenticate(clientId, registrationToken);
        grants.revokeAll(client.getId());
        jdbc.sql("DELETE FROM oauth2_authorization_consent WHERE registered_client_id = ?").param(client.getId()).update();
        jdbc.sql("DELETE FROM oauth2_registered_client WHERE id = ?").param(client.getId()).update();
        decisions.info("client deleted by its developer: client={}", clientId);
    }

    /** The administrator's review: the consent page stops showing the unverified notice. */
    public boolean markVerified(String clientId) {
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null) {
            return false;
        }
        clients.save(RegisteredClient.from(client)
                .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                        .setting(RegisteredApps.VERIFIED, true)
                        .build())
                .build());
        decisions.info("client verified by an administrator: client={}", clientId);
        return true;
    }

    /** RFC 7592 section 3: a wrong token and an unknown client look the same (401). */
    private RegisteredClient authenticate(String clientId, String registrationToken) {
        if (registrationToken == null) {
            throw RegistrationException.invalidToken("the registration access token is missing");
        }
        RegisteredClient client = clients.findByClientId(clientId);
        Object expected = client == null ? null : RegisteredApps.settings(client).get(RegisteredApps.REGISTRATION_TOKEN_HASH);
        if (!(expected instanceof String hash) || !MessageDigest.isEqual(
                hash.getBytes(StandardCharsets.US_ASCII), hash(registrationToken).getBytes(StandardCharsets.US_ASCII))) {
            throw RegistrationException.invalidToken("the registration access token is not valid for this client");
        }
        return client;
    }

    private RegisteredClient build(String id, String clientId, Instant issuedAt, String encodedSecret,
            ClientMetadata metadata, String tokenHash) {
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(true)
                .setting(RegisteredApps.VERIFIED, false)
                .setting(RegisteredApps.REGISTRATION_TOKEN_HASH, tokenHash);
        if (metadata.jwksUri() != null) {
            settings.jwkSetUrl(metadata.jwksUri());
        }
        if (ClientMetadata.PRIVATE_KEY_JWT.equals(metadata.tokenEndpointAuthMethod())) {
            // SAS takes a signature algorithm here as the mark of a private_key_jwt client; RS384 unless the app named one
            settings.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.from(
                    metadata.tokenEndpointAuthSigningAlg() == null ? "RS384" : metadata.tokenEndpointAuthSigningAlg()));
        }
        putIfPresent(settings, RegisteredApps.JWKS, metadata.jwks());
        putIfPresent(settings, RegisteredApps.LAUNCH_URI, metadata.launchUri());
        putIfPresent(settings, RegisteredApps.CLIENT_URI, metadata.clientUri());
        putIfPresent(settings, RegisteredApps.LOGO_URI, metadata.logoUri());
        putIfPresent(settings, RegisteredApps.POLICY_URI, metadata.policyUri());
        putIfPresent(settings, RegisteredApps.TOS_URI, metadata.tosUri());
        putIfPresent(settings, RegisteredApps.SOFTWARE_ID, metadata.softwareId());
        putIfPresent(settings, RegisteredApps.SOFTWARE_VERSION, metadata.softwareVersion());
        if (!metadata.contacts().isEmpty()) {
            // an ArrayList: SAS's JSON allowlist does not read the JDK's immutable lists back
            settings.setting(RegisteredApps.CONTACTS, new ArrayList<>(metadata.contacts()));
        }

        RegisteredClient.Builder builder = RegisteredClient.withId(id)
                .clientId(clientId)
                .clientIdIssuedAt(issuedAt)
                .clientName(metadata.clientName() == null ? clientId : metadata.clientName())
                .clientAuthenticationMethod(new ClientAuthenticationMethod(metadata.tokenEndpointAuthMethod()))
                .authorizationGrantTypes(types -> metadata.grantTypes().forEach(t -> types.add(new AuthorizationGrantType(t))))
                .redirectUris(uris -> uris.addAll(metadata.redirectUris()))
                .scopes(scopes -> scopes.addAll(metadata.scopes()))
                .clientSettings(settings.build())
                .tokenSettings(registrations.tokenSettings());
        if (encodedSecret != null) {
            builder.clientSecret(encodedSecret);
        }
        return builder.build();
    }

    /** The client information response (RFC 7591 section 3.2.1, RFC 7592 section 3), without the secret. */
    private Map<String, Object> information(RegisteredClient client, String registrationToken) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("client_id", client.getClientId());
        if (client.getClientIdIssuedAt() != null) {
            response.put("client_id_issued_at", client.getClientIdIssuedAt().getEpochSecond());
        }
        response.put("registration_access_token", registrationToken);
        response.put("registration_client_uri", endpoints.registration() + "/" + client.getClientId());
        response.put("client_name", client.getClientName());
        response.put("token_endpoint_auth_method", client.getClientAuthenticationMethods().iterator().next().getValue());
        List<String> grantTypes = ClientMetadataValidator.GRANT_TYPES_IN_ORDER.stream()
                .filter(t -> client.getAuthorizationGrantTypes().contains(new AuthorizationGrantType(t)))
                .toList();
        response.put("grant_types", grantTypes);
        response.put("response_types", grantTypes.contains(ClientMetadata.AUTHORIZATION_CODE) ? List.of("code") : List.of());
        if (!client.getRedirectUris().isEmpty()) {
            response.put("redirect_uris", List.copyOf(client.getRedirectUris()));
        }
        response.put("scope", String.join(" ", client.getScopes()));
        String jwks = RegisteredApps.text(client, RegisteredApps.JWKS);
        if (jwks != null) {
            response.put("jwks", parse(jwks));
        }
        if (client.getClientSettings().getJwkSetUrl() != null) {
            response.put("jwks_uri", client.getClientSettings().getJwkSetUrl());
        }
        if (client.getClientSettings().getTokenEndpointAuthenticationSigningAlgorithm() != null) {
            response.put("token_endpoint_auth_signing_alg",
                    client.getClientSettings().getTokenEndpointAuthenticationSigningAlgorithm().getName());
        }
        for (String key : List.of(RegisteredApps.CLIENT_URI, RegisteredApps.LOGO_URI, RegisteredApps.POLICY_URI,
                RegisteredApps.TOS_URI, RegisteredApps.SOFTWARE_ID, RegisteredApps.SOFTWARE_VERSION, RegisteredApps.LAUNCH_URI)) {
            String value = RegisteredApps.text(client, key);
            if (value != null) {
                response.put(key, value);
            }
        }
        List<String> contacts = RegisteredApps.strings(client, RegisteredApps.CONTACTS);
        if (!contacts.isEmpty()) {
            response.put("contacts", contacts);
        }
        return response;
    }

    private Map<String, Object> parse(String jwks) {
        try {
            return json.readValue(jwks, new TypeReference<>() {});
        } catch (Exception e) {
            throw new IllegalStateException("stored jwks is not JSON", e);
        }
    }

    private static void putIfPresent(ClientSettings.Builder settings, String key, String value) {
        if (value != null) {
            settings.setting(key, value);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
