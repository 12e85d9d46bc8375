package org.portico.auth.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portico.auth.clients.JwksUriGuard;

class ClientMetadataValidatorTest {

    /** No DNS in unit tests: names resolve from this table (a name missing from it does not resolve). */
    static final Map<String, String> DNS = Map.of(
            "keys.example.org", "93.184.216.34",
            "localhost", "127.0.0.1",
            "intranet.example.org", "10.1.2.3",
            "router.example.org", "192.168.1.1",
            "docker.example.org", "172.17.0.1",
            "metadata.example.org", "169.254.169.254",
            "v6-ula.example.org", "fd00:ec2::254",
            "v6-link.example.org", "fe80::1",
            "group.example.org", "239.1.2.3",
            "any.example.org", "0.0.0.0");

    static final JwksUriGuard GUARD = guard(false);

    static JwksUriGuard guard(boolean allowPrivate) {
        return new JwksUriGuard(allowPrivate, host -> {
            if (host.startsWith("[") || host.matches("[0-9.]+")) {
                return new InetAddress[] {InetAddress.getByName(host)}; // a literal: no lookup
            }
            String address = DNS.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        });
    }

    static Map<String, Object> publicApp() {
        Map<String, Object> m = new HashMap<>();
        m.put("redirect_uris", List.of("https://app.example.org/callback"));
        m.put("token_endpoint_auth_method", "none");
        m.put("grant_types", List.of("authorization_code", "refresh_token"));
        m.put("scope", "openid fhirUser launch/patient offline_access patient/*.rs");
        return m;
    }

    static Map<String, Object> backendApp() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        Map<String, Object> m = new HashMap<>();
        m.put("token_endpoint_auth_method", "private_key_jwt");
        m.put("grant_types", List.of("client_credentials"));
        m.put("jwks", new JWKSet(key.toPublicJWK()).toJSONObject());
        m.put("scope", "system/*.rs");
        return m;
    }

    static void rejects(Map<String, Object> request, String error, String descriptionPart) {
        assertThatThrownBy(() -> ClientMetadataValidator.validate(request, GUARD))
                .isInstanceOfSatisfying(RegistrationException.class, e -> {
                    assertThat(e.error()).isEqualTo(error);
                    assertThat(e.getMessage()).contains(descriptionPart);
                });
    }

    @Test
    void whenPublicAppThenAcceptedAsSent() {
        ClientMetadata metadata = ClientMetadataValidator.validate(publicApp(), GUARD);
        assertThat(metadata.tokenEndpointAuthMethod()).isEqualTo("none");
        assertThat(metadata.redirectUris()).containsExactly("https://app.example.org/callback");
        assertThat(metadata.scopes()).containsExactly("openid", "fhirUser", "launch/patient", "offline_access", "patient/*.rs");
        assertThat(metadata.hasSecret()).isFalse();
    }

    @Test
    void whenAStringHoldsAControlCharacterThenInvalidClientMetadata() {
        Map<String, Object> nulName = publicApp();
        nulName.put("client_name", "nul\u0000name");
        rejects(nulName, "invalid_client_metadata", "client_name must not contain control characters");
        Map<String, Object> nulRedirect = publicApp();
        nulRedirect.put("redirect_uris", List.of("https://app.example.org/cb\u0000"));
        rejects(nulRedirect, "invalid_redirect_uri", "redirect_uris must not contain control characters");
    }

    @Test
    void whenNothingButRedirectUrisThenRfcDefaults() {
        ClientMetadata metadata = ClientMetadataValidator.validate(Map.of("redirect_uris", List.of("http://127.0.0.1/cb")), GUARD);
        assertThat(metadata.tokenEndpointAuthMethod()).isEqualTo("client_secret_basic");
        assertThat(metadata.grantTypes()).containsExactly("authorization_code");
        assertThat(metadata.scopes()).contains("openid", "launch/patient", "patient/*.rs").doesNotContain("offline_access");
    }

    @Test
    void whenRedirectUriIsNotHttpsOrLoopbackThenInvalidRedirectUri() {
        for (String bad : List.of("http://app.example.org/cb", "https://app.example.org/cb#frag", "/relative",
                "com.example.app:/callback", "https://user@app.example.org/cb", "not a uri")) {
            Map<String, Object> request = publicApp();
            request.put("redirect_uris", List.of(bad));
            rejects(request, "invalid_redirect_uri", "redirect URI");
        }
        Map<String, Object> missing = publicApp();
        missing.remove("redirect_uris");
        rejects(missing, "invalid_redirect_uri", "required");
        Map<String, Object> notArray = publicApp();
        notArray.put("redirect_uris", "https://app.example.org/cb");
        rejects(notArray, "invalid_redirect_uri", "array");
    }

    @Test
    void whenLoopbackHttpThenAccepted() {
        Map<String, Object> request = publicApp();
        request.put("redirect_uris", List.of("http://localhost:8000/cb", "http://127.0.0.1/cb", "http://[::1]/cb"));
        assertThat(ClientMetadataValidator.validate(request, GUARD).redirectUris()).hasSize(3);
    }

    @Test
    void whenUnknownGrantTypeOrResponseTypeThenInvalidMetadata() {
        Map<String, Object> request = publicApp();
        request.put("grant_types", List.of("authorization_code", "password"));
        rejects(request, "invalid_client_metadata", "password");
        request = publicApp();
        request.put("grant_types", List.of("refresh_token"));
        rejects(request, "invalid_client_metadata", "refresh_token");
        request = publicApp();
        request.put("response_types", List.of("token"));
        rejects(request, "invalid_client_metadata", "token");
    }

    @Test
    void whenOfflineAccessWithoutRefreshTokenGrantThenInvalidMetadata() {
        Map<String, Object> request = publicApp();
        request.put("grant_types", List.of("authorization_code"));
        rejects(request, "invalid_client_metadata", "refresh_token");
        request.put("scope", "openid launch/patient patient/*.rs");
        assertThat(ClientMetadataValidator.validate(request, GUARD).grantTypes()).containsExactly("authorization_code");
    }

    @Test
    void whenClientCredentialsWithoutPrivateKeyJwtThenInvalidMetadata() {
        Map<String, Object> request = publicApp();
        request.put("grant_types", List.of("client_credentials"));
        rejects(request, "invalid_client_metadata", "private_key_jwt");
    }

    @Test
    void whenSystemScopeOnPublicOrUserFacingClientThenInvalidMetadata() throws Exception {
        Map<String, Object> request = publicApp();
        request.put("scope", "launch/patient system/Patient.rs");
        rejects(request, "invalid_client_metadata", "system/");
        Map<String, Object> keyedButNoClientCredentials = backendApp();
        keyedButNoClientCredentials.put("grant_types", List.of("authorization_code"));
        keyedButNoClientCredentials.put("redirect_uris", List.of("https://app.example.org/cb"));
        rejects(keyedButNoClientCredentials, "invalid_client_metadata", "system/");
    }

    @Test
    void whenScopeUnknownOrWritingThenInvalidMetadata() {
        for (String bad : List.of("patient/Observation.write", "patient/Observation.cruds", "launch/foo", "admin", "patient/Observation.rs?category")) {
            Map<String, Object> request = publicApp();
            request.put("scope", "openid " + bad);
            rejects(request, "invalid_client_metadata", "scope");
        }
    }

    @Test
    void whenBackendAppWithInlineKeysThenPublicKeysStored() throws Exception {
        ClientMetadata metadata = ClientMetadataValidator.validate(backendApp(), GUARD);
        assertThat(metadata.jwks()).contains("\"kid\":\"k1\"").doesNotContain("\"d\"");
        assertThat(metadata.redirectUris()).isEmpty();
        assertThat(metadata.scopes()).containsExactly("system/*.rs");
    }

    @Test
    void whenPrivateKeyJwtHasBothOrNeitherKeySourceThenInvalidMetadata() throws Exception {
        Map<String, Object> both = backendApp();
        both.put("jwks_uri", "https://app.example.org/jwks.json");
        rejects(both, "invalid_client_metadata", "exactly one of jwks and jwks_uri");
        Map<String, Object> neither = backendApp();
        neither.remove("jwks");
        rejects(neither, "invalid_client_metadata", "exactly one of jwks and jwks_uri");
        Map<String, Object> httpUri = backendApp();
        httpUri.remove("jwks");
        httpUri.put("jwks_uri", "http://localhost/jwks.json");
        rejects(httpUri, "invalid_client_metadata", "https");
    }

    static Map<String, Object> backendWithJwksUri(String jwksUri) throws Exception {
        Map<String, Object> request = backendApp();
        request.remove("jwks");
        request.put("jwks_uri", jwksUri);
        return request;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/jwks.json, loopback",
            "https://localhost:8443/jwks.json, loopback",
            "https://[::1]/jwks.json, loopback",
            "https://10.1.2.3/jwks.json, private",
            "https://intranet.example.org/jwks.json, private",
            "https://172.16.0.1/jwks.json, private",
            "https://docker.example.org/jwks.json, private",
            "https://router.example.org/jwks.json, private",
            "https://[fd00:ec2::254]/jwks.json, private",
            "https://v6-ula.example.org/jwks.json, private",
            "https://100.64.0.1/jwks.json, shared",
            "https://169.254.169.254/latest/meta-data, link-local",
            "https://metadata.example.org/jwks.json, link-local",
            "https://[fe80::1]/jwks.json, link-local",
            "https://v6-link.example.org/jwks.json, link-local",
            "https://224.0.0.1/jwks.json, multicast",
            "https://group.example.org/jwks.json, multicast",
            "https://[ff02::1]/jwks.json, multicast",
            "https://0.0.0.0/jwks.json, unspecified",
            "https://any.example.org/jwks.json, unspecified",
            "https://[::]/jwks.json, unspecified",
            "https://255.255.255.255/jwks.json, reserved",
            "https://[::ffff:127.0.0.1]/jwks.json, loopback",
            "https://[64:ff9b::a01:203]/jwks.json, private",
            "https://[2002:a9fe:a9fe::1]/jwks.json, link-local"})
    void whenJwksUriHostIsInternalThenInvalidClientMetadataNamingTheClass(String row) throws Exception {
        String[] parts = row.split(", ");
        rejects(backendWithJwksUri(parts[0]), "invalid_client_metadata", "resolves to a " + parts[1]);
    }

    @Test
    void whenJwksUriHostIsPublicOrDoesNotResolveYetThenAccepted() throws Exception {
        assertThat(ClientMetadataValidator.validate(backendWithJwksUri("https://keys.example.org/jwks.json"), GUARD).jwksUri())
                .isEqualTo("https://keys.example.org/jwks.json");
        assertThat(ClientMetadataValidator.validate(backendWithJwksUri("https://93.184.216.34/jwks.json"), GUARD).jwksUri())
                .isEqualTo("https://93.184.216.34/jwks.json");
        // checked again at every fetch
        assertThat(ClientMetadataValidator.validate(backendWithJwksUri("https://not-yet.example.org/jwks.json"), GUARD).jwksUri())
                .isEqualTo("https://not-yet.example.org/jwks.json");
    }

    @Test
    void whenOperatorAllowsPrivateThenLoopbackAndPrivateAcceptedButLinkLocalStillRefused() throws Exception {
        JwksUriGuard allowPrivate = guard(true);
        for (String uri : List.of("https://localhost:8443/jwks.json", "https://10.1.2.3/jwks.json",
                "https://[fd00::1]/jwks.json", "https://100.64.0.1/jwks.json")) {
            assertThat(ClientMetadataValidator.validate(backendWithJwksUri(uri), allowPrivate).jwksUri()).isEqualTo(uri);
        }
        for (String uri : List.of("https://169.254.169.254/jwks.json", "https://224.0.0.1/jwks.json", "https://0.0.0.0/jwks.json")) {
            assertThatThrownBy(() -> ClientMetadataValidator.validate(backendWithJwksUri(uri), allowPrivate))
                    .isInstanceOf(RegistrationException.class);
        }
        // still https only at registration
        assertThatThrownBy(() -> ClientMetadataValidator.validate(backendWithJwksUri("http://localhost/jwks.json"), allowPrivate))
                .isInstanceOf(RegistrationException.class).hasMessageContaining("https");
    }

    @Test
    void whenPrivateKeyInJwksThenInvalidMetadata() throws Exception {
        Map<String, Object> request = backendApp();
        request.put("jwks", new JWKSet(new ECKeyGenerator(Curve.P_384).generate()).toJSONObject(false));
        rejects(request, "invalid_client_metadata", "public keys only");
        request.put("jwks", Map.of("keys", "nope"));
        rejects(request, "invalid_client_metadata", "JWK set");
    }

    @Test
    void whenJwksOnNonKeyClientOrBadAlgorithmThenInvalidMetadata() throws Exception {
        Map<String, Object> request = publicApp();
        request.put("jwks_uri", "https://app.example.org/jwks.json");
        rejects(request, "invalid_client_metadata", "only for");
        Map<String, Object> alg = backendApp();
        alg.put("token_endpoint_auth_signing_alg", "HS256");
        rejects(alg, "invalid_client_metadata", "RS384 or ES384");
    }

    @Test
    void whenUnsupportedAuthMethodThenInvalidMetadata() {
        Map<String, Object> request = publicApp();
        request.put("token_endpoint_auth_method", "client_secret_post");
        rejects(request, "invalid_client_metadata", "client_secret_post");
    }

    @Test
    void whenMetadataHasWrongTypesThenInvalidMetadata() {
        Map<String, Object> request = publicApp();
        request.put("client_name", 42);
        rejects(request, "invalid_client_metadata", "client_name");
        request = publicApp();
        request.put("logo_uri", "http://app.example.org/logo.png");
        rejects(request, "invalid_client_metadata", "logo_uri");
        request = publicApp();
        request.put("contacts", List.of("a@example.org", 3));
        rejects(request, "invalid_client_metadata", "contacts");
    }

    @Test
    void whenUnrecognisedFieldsThenIgnored() {
        Map<String, Object> request = publicApp();
        request.put("x_vendor_field", Map.of("a", 1));
        request.put("launch_uri", "https://app.example.org/launch");
        assertThat(ClientMetadataValidator.validate(request, GUARD).launchUri()).isEqualTo("https://app.example.org/launch");
    }
}
