package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;
import static org.portico.auth.SmartTestClient.queryOf;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portico.auth.registration.RegisteredApps;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** RFC 7591 registration and RFC 7592 management over HTTP against PostgreSQL, with the negative twins. */
class ClientRegistrationIT extends RegistrationITSupport {

    @Autowired
    RegisteredClientRepository clients;

    @Test
    void whenPublicAppRegisteredThenItCompletesAStandaloneLaunchAndRefreshes() {
        HttpResponse<String> response = register(publicApp("Registered public app"));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        Map<String, Object> app = json(response.body());
        String clientId = (String) app.get("client_id");
        assertThat(app).doesNotContainKey("client_secret")
                .containsEntry("token_endpoint_auth_method", "none")
                .containsEntry("client_name", "Registered public app")
                .containsEntry("grant_types", List.of("authorization_code", "refresh_token"))
                .containsEntry("response_types", List.of("code"))
                .containsEntry("redirect_uris", List.of(REDIRECT, "http://127.0.0.1/callback"))
                .containsEntry("registration_client_uri", ISSUER + "/connect/register/" + clientId);
        assertThat(((String) app.get("scope")).split(" "))
                .containsExactlyInAnyOrder("openid", "fhirUser", "launch/patient", "offline_access", "patient/*.rs");
        assertThat((String) app.get("registration_access_token")).hasSizeGreaterThan(40);
        assertThat(((Number) app.get("client_id_issued_at")).longValue()).isPositive();

        Map<String, Object> token = launch(clientId, "launch/patient openid fhirUser offline_access patient/Observation.rs", ALICE, ALICE_PASSWORD);
        assertThat(token).containsEntry("patient", "it-patient-alice").containsKey("id_token").containsKey("refresh_token");
        HttpResponse<String> refreshed = refresh(clientId, (String) token.get("refresh_token"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
    }

    @Test
    void whenConfidentialAppRegisteredThenSecretReturnedOnceStoredHashedAndWorksWithBasicAuth() {
        Map<String, Object> metadata = publicApp("Registered confidential app");
        metadata.put("token_endpoint_auth_method", "client_secret_basic");
        Map<String, Object> app = registered(metadata);
        String clientId = (String) app.get("client_id");
        String secret = (String) app.get("client_secret");
        assertThat(secret).hasSizeGreaterThan(40);
        assertThat(app).containsEntry("client_secret_expires_at", 0).containsEntry("token_endpoint_auth_method", "client_secret_basic");
        assertThat(clients.findByClientId(clientId).getClientSecret()).startsWith("{bcrypt}").doesNotContain(secret);

        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        var consent = consentPage(clientId, "launch/patient patient/Observation.rs", pkce, ALICE, ALICE_PASSWORD);
        URI back = URI.create(browser.approve(consent, Set.of()).headers().firstValue("Location").orElseThrow());
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = browser.postForm(URI.create("/oauth2/token"), form(
                "grant_type", "authorization_code", "code", queryOf(back).get("code"), "redirect_uri", REDIRECT,
                "code_verifier", pkce.verifier()), Map.of("Authorization", "Basic " + basic));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(json(token.body())).containsEntry("patient", "it-patient-alice");

        HttpResponse<String> read = sendJson("GET", "/connect/register/" + clientId, null, (String) app.get("registration_access_token"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read.body())).doesNotContainKey("client_secret").containsEntry("client_id", clientId);
    }

    @Test
    void whenPrivateKeyJwtAppsRegisteredThenKeysGrantsAndLaunchUriStored() throws Exception {
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("client_name", "Registered bulk client");
        backend.put("token_endpoint_auth_method", "private_key_jwt");
        backend.put("grant_types", List.of("client_credentials"));
        backend.put("jwks_uri", "https://app.example.org/.well-known/jwks.json");
        backend.put("token_endpoint_auth_signing_alg", "RS384");
        backend.put("scope", "system/*.rs system/Patient.read");
        backend.put("contacts", List.of("dev@app.example.org"));
        backend.put("software_id", "bulk-tool");
        backend.put("software_version", "1.2.3");
        Map<String, Object> app = registered(backend);
        assertThat(app).doesNotContainKey("client_secret").doesNotContainKey("redirect_uris")
                .containsEntry("grant_types", List.of("client_credentials"))
                .containsEntry("response_types", List.of())
                .containsEntry("jwks_uri", "https://app.example.org/.well-known/jwks.json")
                .containsEntry("token_endpoint_auth_signing_alg", "RS384")
                .containsEntry("contacts", List.of("dev@app.example.org"))
                .containsEntry("software_id", "bulk-tool")
                .containsEntry("software_version", "1.2.3");
        RegisteredClient stored = clients.findByClientId((String) app.get("client_id"));
        assertThat(stored.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        assertThat(stored.getAuthorizationGrantTypes()).containsExactly(AuthorizationGrantType.CLIENT_CREDENTIALS);
        assertThat(stored.getClientSettings().getJwkSetUrl()).isEqualTo("https://app.example.org/.well-known/jwks.json");
        assertThat(RegisteredApps.isVerified(stored)).isFalse();

        JWKSet keys = new JWKSet(List.of(new RSAKeyGenerator(2048).keyID("rs").generate().toPublicJWK(),
                new ECKeyGenerator(Curve.P_384).keyID("ec").generate().toPublicJWK()));
        Map<String, Object> ehrApp = publicApp("Registered asymmetric EHR app");
        ehrApp.put("token_endpoint_auth_method", "private_key_jwt");
        ehrApp.put("jwks", keys.toJSONObject());
        ehrApp.put("launch_uri", "https://app.example.org/launch");
        ehrApp.put("scope", "launch openid fhirUser offline_access user/*.rs patient/*.rs");
        Map<String, Object> asymmetric = registered(ehrApp);
        assertThat(asymmetric).doesNotContainKey("client_secret").containsEntry("launch_uri", "https://app.example.org/launch");
        assertThat(JWKSet.parse(write(asymmetric.get("jwks"))).getKeys()).extracting(k -> k.getKeyID()).containsExactly("rs", "ec");
        RegisteredClient ehr = clients.findByClientId((String) asymmetric.get("client_id"));
        assertThat(ehr.getClientSettings().<String>getSetting("launch_uri")).isEqualTo("https://app.example.org/launch");
        assertThat(JWKSet.parse(ehr.getClientSettings().<String>getSetting(RegisteredApps.JWKS)).getKeys()).hasSize(2);
        assertThat(asymmetric).containsEntry("token_endpoint_auth_signing_alg", "RS384");
    }

    @Test
    void whenJwksUriPointsIntoTheServersNetworkThen400InvalidClientMetadata() {
        // the default: no jwks-uri-allow-private; each class of address the server must not fetch from
        for (String jwksUri : List.of("https://127.0.0.1/jwks.json", "https://localhost:8443/jwks.json",
                "https://[::1]/jwks.json", "https://10.0.0.5/jwks.json", "https://172.20.0.2/jwks.json",
                "https://192.168.1.10/jwks.json", "https://[fd00::1]/jwks.json", "https://169.254.169.254/latest/meta-data",
                "https://[fe80::1]/jwks.json", "https://224.0.0.251/jwks.json", "https://0.0.0.0/jwks.json")) {
            Map<String, Object> backend = new LinkedHashMap<>();
            backend.put("token_endpoint_auth_method", "private_key_jwt");
            backend.put("grant_types", List.of("client_credentials"));
            backend.put("scope", "system/*.rs");
            backend.put("jwks_uri", jwksUri);
            HttpResponse<String> response = register(backend);
            assertError(response, "invalid_client_metadata");
            assertThat(response.body()).as(jwksUri).contains("resolves to a").contains("jwks_uri");
        }
    }

    @Test
    void whenMetadataInvalidThen400WithRfc7591Error() {
        Map<String, Object> badRedirect = publicApp("bad");
        badRedirect.put("redirect_uris", List.of("http://app.example.org/callback"));
        assertError(register(badRedirect), "invalid_redirect_uri");

        Map<String, Object> fragment = publicApp("bad");
        fragment.put("redirect_uris", List.of("https://app.example.org/callback#x"));
        assertError(register(fragment), "invalid_redirect_uri");

        Map<String, Object> unknownGrant = publicApp("bad");
        unknownGrant.put("grant_types", List.of("authorization_code", "password"));
        assertError(register(unknownGrant), "invalid_client_metadata");

        Map<String, Object> systemScope = publicApp("bad");
        systemScope.put("scope", "launch/patient system/*.rs");
        assertError(register(systemScope), "invalid_client_metadata");

        Map<String, Object> bothKeySources = publicApp("bad");
        bothKeySources.put("token_endpoint_auth_method", "private_key_jwt");
        bothKeySources.put("jwks_uri", "https://app.example.org/jwks.json");
        bothKeySources.put("jwks", Map.of("keys", List.of()));
        assertError(register(bothKeySources), "invalid_client_metadata");

        Map<String, Object> unsupportedMethod = publicApp("bad");
        unsupportedMethod.put("token_endpoint_auth_method", "client_secret_jwt");
        assertError(register(unsupportedMethod), "invalid_client_metadata");

        assertError(sendJson("POST", "/connect/register", "{\"redirect_uris\": [", null), "invalid_client_metadata");
        assertError(sendJson("POST", "/connect/register", "[\"https://app.example.org/cb\"]", null), "invalid_client_metadata");
        assertError(sendJson("POST", "/connect/register", null, null), "invalid_client_metadata");
    }

    void assertError(HttpResponse<String> response, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        Map<String, Object> body = json(response.body());
        assertThat(body).containsEntry("error", error).containsKey("error_description");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void whenRegistrationAccessTokenPresentedThenReadUpdateAndDeleteWork() {
        Map<String, Object> app = registered(publicApp("Managed app"));
        String clientId = (String) app.get("client_id");
        String token = (String) app.get("registration_access_token");
        String uri = "/connect/register/" + clientId;

        HttpResponse<String> read = sendJson("GET", uri, null, token);
        assertThat(read.statusCode()).isEqualTo(200);
        Map<String, Object> current = json(read.body());
        assertThat(current).containsEntry("client_name", "Managed app").containsEntry("registration_access_token", token)
                .containsEntry("redirect_uris", app.get("redirect_uris"));

        Map<String, Object> update = publicApp("Managed app, renamed");
        update.put("client_id", clientId);
        update.put("redirect_uris", List.of("https://app.example.org/new-callback"));
        update.put("logo_uri", "https://app.example.org/logo.png");
        HttpResponse<String> updated = sendJson("PUT", uri, write(update), token);
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(json(sendJson("GET", uri, null, token).body()))
                .containsEntry("client_name", "Managed app, renamed")
                .containsEntry("redirect_uris", List.of("https://app.example.org/new-callback"))
                .containsEntry("logo_uri", "https://app.example.org/logo.png");

        update.remove("client_id");
        assertError(sendJson("PUT", uri, write(update), token), "invalid_client_metadata");
        update.put("client_id", clientId);
        update.put("redirect_uris", List.of("http://evil.example/cb"));
        assertError(sendJson("PUT", uri, write(update), token), "invalid_redirect_uri");
        update.put("redirect_uris", List.of(REDIRECT));
        update.put("token_endpoint_auth_method", "client_secret_basic");
        assertError(sendJson("PUT", uri, write(update), token), "invalid_client_metadata");

        assertThat(sendJson("DELETE", uri, null, token).statusCode()).isEqualTo(204);
        assertThat(clients.findByClientId(clientId)).isNull();
        assertUnauthorized(sendJson("GET", uri, null, token));
    }

    @Test
    void whenRegistrationAccessTokenWrongOrMissingThen401() {
        Map<String, Object> app = registered(publicApp("Guarded app"));
        Map<String, Object> other = registered(publicApp("Other app"));
        String uri = "/connect/register/" + app.get("client_id");
        String othersToken = (String) other.get("registration_access_token");

        for (String token : new String[] {null, "wrong-token", othersToken}) {
            assertUnauthorized(sendJson("GET", uri, null, token));
            Map<String, Object> update = publicApp("Hijacked");
            update.put("client_id", app.get("client_id"));
            assertUnauthorized(sendJson("PUT", uri, write(update), token));
            assertUnauthorized(sendJson("DELETE", uri, null, token));
        }
        assertUnauthorized(sendJson("GET", "/connect/register/no-such-client", null, othersToken));
        assertThat(clients.findByClientId((String) app.get("client_id")).getClientName()).isEqualTo("Guarded app");
    }

    void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(response.body())).containsEntry("error", "invalid_token");
    }

    @Test
    void whenDeveloperDeletesAppThenItsGrantsStopWorking() {
        Map<String, Object> app = registered(publicApp("Deleted app"));
        String clientId = (String) app.get("client_id");
        Map<String, Object> token = launch(clientId, "launch/patient offline_access patient/Observation.rs", ALICE, ALICE_PASSWORD);
        assertThat(sendJson("DELETE", "/connect/register/" + clientId, null, (String) app.get("registration_access_token")).statusCode())
                .isEqualTo(204);
        HttpResponse<String> refreshed = refresh(clientId, (String) token.get("refresh_token"));
        assertThat(refreshed.statusCode()).isIn(400, 401);
        assertThat(json(refreshed.body()).get("error")).isIn("invalid_grant", "invalid_client");
        HttpResponse<String> authorize = browser.get(browser.authorizeUri(authorizeParams(clientId, "patient/Observation.rs", SmartTestClient.Pkce.create())));
        assertThat(authorize.statusCode()).isEqualTo(400);
    }

    @Test
    void whenRegisteredAppAsksForConsentThenPageSaysItIsUnreviewedUntilAdministratorVerifiesIt() {
        Map<String, Object> app = registered(publicApp("Unreviewed app"));
        String clientId = (String) app.get("client_id");
        var consent = consentPage(clientId, "launch/patient patient/Observation.rs", SmartTestClient.Pkce.create(), ALICE, ALICE_PASSWORD);
        var notice = consent.selectFirst("#unverified-app");
        assertThat(notice).isNotNull();
        assertThat(notice.text()).contains("This app has not been reviewed by " + REVIEWER + ".");
        // informs, never blocks
        assertThat(consent.selectFirst("form#consent-form button#approve")).isNotNull();

        String verify = "/admin/clients/" + clientId + "/verify";
        assertUnauthorized(sendJson("POST", verify, null, null));
        assertUnauthorized(sendJson("POST", verify, null, "not-the-admin-token"));
        assertThat(sendJson("POST", verify, null, ADMIN_TOKEN).statusCode()).isEqualTo(204);
        assertThat(sendJson("POST", "/admin/clients/no-such-client/verify", null, ADMIN_TOKEN).statusCode()).isEqualTo(404);

        var reviewed = consentPage(clientId, "launch/patient patient/Observation.rs", SmartTestClient.Pkce.create(), ALICE, ALICE_PASSWORD);
        assertThat(reviewed.selectFirst("#unverified-app")).isNull();

        // a change by the developer needs a new review
        Map<String, Object> update = publicApp("Unreviewed app, changed");
        update.put("client_id", clientId);
        assertThat(sendJson("PUT", "/connect/register/" + clientId, write(update), (String) app.get("registration_access_token"))
                .statusCode()).isEqualTo(200);
        assertThat(RegisteredApps.isVerified(clients.findByClientId(clientId))).isFalse();
    }

    @Test
    void whenDemoFileAppAsksForConsentThenNoUnreviewedNotice() {
        var consent = consentPage("it-public", "https://app.example.org/callback", "launch/patient patient/Observation.rs", SmartTestClient.Pkce.create(), ALICE, ALICE_PASSWORD);
        assertThat(consent.selectFirst("#unverified-app")).isNull();
        assertThat(consent.text()).doesNotContain("has not been reviewed");
    }

    @Test
    void whenDiscoveryDocumentsReadThenTheyNameTheRegistrationEndpoint() {
        assertThat(json(browser.get(URI.create("/.well-known/openid-configuration")).body()))
                .containsEntry("registration_endpoint", ISSUER + "/connect/register");
        assertThat(json(browser.get(URI.create("/.well-known/oauth-authorization-server")).body()))
                .containsEntry("registration_endpoint", ISSUER + "/connect/register");
    }
}
