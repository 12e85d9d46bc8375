package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 8.1 Backend-services authorization (G10 checklist §7.5, SMART kit tests reused) and issue 3's list:
 * a private_key_jwt client gets a {@code system/*.rs} token; a bad signature, an expired assertion, a
 * replayed jti and a wrong aud each fail with 400/401 and OAuth error JSON.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10BackendServicesAuth {

    /** The configuration's backend client with a jwks_uri (Portico's demo: portico-demo-backend, localhost:9999). */
    private final java.util.Optional<DemoFile.JwksUriClient> jwksUriClient;

    private final Deployment deployment;
    private final SmartClient smart;
    private G10.App es384;
    private G10.App rs384;
    private URI tokenEndpoint;
    private HttpServer jwksServer;
    private RSAKey demoKey;

    G10BackendServicesAuth(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.jwksUriClient = deployment.demo().jwksUriClient()
                .filter(c -> deployment.callsBackToLocalhost() && isLoopback(c.jwksUri()));
    }

    private static boolean isLoopback(URI uri) {
        return "http".equals(uri.getScheme()) && java.util.List.of("localhost", "127.0.0.1").contains(uri.getHost());
    }

    @BeforeAll
    void setUp() {
        es384 = G10.apps(deployment).backendEs384();
        rs384 = G10.apps(deployment).backendRs384();
        tokenEndpoint = smart.discovery().tokenEndpoint();
        demoKey = G10.rsaKey();
        if (jwksUriClient.isEmpty()) {
            return;
        }
        URI jwksUri = jwksUriClient.get().jwksUri();
        try {
            jwksServer = HttpServer.create(new InetSocketAddress(jwksUri.getHost(), jwksUri.getPort()), 0);
            byte[] body = new JWKSet(demoKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
            jwksServer.createContext(jwksUri.getPath(), exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            jwksServer.start();
        } catch (IOException e) {
            jwksServer = null;
        }
    }

    @AfterAll
    void stop() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    private Map<String, String> form(String grantType, String assertionType, String assertion, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", grantType);
        form.put("scope", scope);
        form.put("client_assertion_type", assertionType);
        form.put("client_assertion", assertion);
        return form;
    }

    private String assertion(G10.App app, JWK key, String aud, Instant exp, String jti) {
        return ClientAuthentication.assertion(app.clientId(), key, aud, exp, jti).serialize();
    }

    private String validAssertion(G10.App app) {
        return assertion(app, app.key(), tokenEndpoint.toString(), Instant.now().plusSeconds(240), UUID.randomUUID().toString());
    }

    private Response token(Map<String, String> form) {
        return smart.tokenRequest((ClientAuthentication) null, form);
    }

    @Test
    @DisplayName("8.1.01 TLS on the token endpoint")
    void row_8_1_01_tls() {
        G10Tls.assertModernTlsOnly(smart, tokenEndpoint);
    }

    @Test
    @DisplayName("8.1.02 grant_type=not_a_grant_type -> 400")
    void row_8_1_02_badGrantType() {
        G10.assertOAuthError(token(form("not_a_grant_type", ClientAuthentication.ASSERTION_TYPE, validAssertion(es384),
                "system/*.rs")), 400);
    }

    @Test
    @DisplayName("8.1.03 client_assertion_type=not_an_assertion_type -> 400/401")
    void row_8_1_03_badAssertionType() {
        G10.assertOAuthError(token(form("client_credentials", "not_an_assertion_type", validAssertion(es384),
                "system/*.rs")), 400, 401);
    }

    @Test
    @DisplayName("8.1.04 invalid JWT (as the kit sends it: bad assertion type and an assertion signed by an unknown key) -> 400/401")
    void row_8_1_04_invalidJwt() {
        String foreign = assertion(es384, G10.ecKey(), tokenEndpoint.toString(), Instant.now().plusSeconds(240),
                UUID.randomUUID().toString());
        G10.assertOAuthError(token(form("client_credentials", "not_an_assertion_type", foreign, "system/*.rs")), 400, 401);
    }

    @Test
    @DisplayName("8.1.05 valid client_credentials request (ES384, inline jwks) -> 200/201")
    void row_8_1_05_validRequest() {
        Response r = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, validAssertion(es384), "system/*.rs"));
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    @Test
    @DisplayName("8.1.06 token body: access_token, token_type bearer, expires_in number, scope system/*.rs; no refresh_token")
    void row_8_1_06_body() {
        Response r = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, validAssertion(es384), "system/*.rs"));
        G10.assertTokenBody(r);
        assertThat(G10.scopes(r.json().path("scope").asText())).contains("system/*.rs");
        assertThat(r.json().has("refresh_token")).isFalse();
    }

    @Test
    @DisplayName("AUT-SYS RS384 client with inline jwks gets a system/*.rs token")
    void row_sys_rs384Inline() {
        Response r = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, validAssertion(rs384), "system/*.rs"));
        G10.assertTokenBody(r);
        assertThat(G10.scopes(r.json().path("scope").asText())).contains("system/*.rs");
    }

    @Test
    @DisplayName("AUT-SYS RS384 client with a jwks_uri (demo backend, keys served by the test) gets a system/*.rs token")
    void row_sys_jwksUri() {
        assumeTrue(jwksUriClient.isPresent(), "the configuration names no backend client whose jwks_uri the kit serves "
                + "on this machine (an http://localhost jwks_uri, with servers that run here)");
        assumeTrue(jwksServer != null, "the port of " + jwksUriClient.get().jwksUri() + " is taken on this machine");
        String jwt = ClientAuthentication.assertion(jwksUriClient.get().clientId(), demoKey, tokenEndpoint.toString(),
                Instant.now().plusSeconds(240), UUID.randomUUID().toString()).serialize();
        Response r = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs"));
        G10.assertTokenBody(r);
    }

    @Test
    @DisplayName("AUT-SYS bad assertion signature (other key, registered kid) -> 400/401 OAuth error")
    void row_sys_badSignature() {
        RSAKey other = G10.rsaKey();
        RSAKey impostor = new RSAKey.Builder(other).keyID(rs384.key().getKeyID()).algorithm(rs384.key().getAlgorithm()).build();
        String jwt = assertion(rs384, impostor, tokenEndpoint.toString(), Instant.now().plusSeconds(240),
                UUID.randomUUID().toString());
        G10.assertOAuthError(token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs")), 400, 401);
    }

    @Test
    @DisplayName("AUT-SYS expired assertion -> 400/401 OAuth error")
    void row_sys_expired() {
        String jwt = assertion(es384, es384.key(), tokenEndpoint.toString(), Instant.now().minusSeconds(600),
                UUID.randomUUID().toString());
        G10.assertOAuthError(token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs")), 400, 401);
    }

    @Test
    @DisplayName("AUT-SYS replayed jti: first use 200, second 400/401 OAuth error")
    void row_sys_replayedJti() {
        String jwt = validAssertion(es384);
        Response first = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs"));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        Response second = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs"));
        G10.assertOAuthError(second, 400, 401);
    }

    @Test
    @DisplayName("AUT-SYS wrong aud (the FHIR base instead of the token URL) -> 400/401 OAuth error")
    void row_sys_wrongAud() {
        String jwt = assertion(es384, es384.key(), smart.fhirBase().toString(), Instant.now().plusSeconds(240),
                UUID.randomUUID().toString());
        G10.assertOAuthError(token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, jwt, "system/*.rs")), 400, 401);
    }

    @Test
    @DisplayName("AUT-SYS system/*.rs token reads from the fhir-server: Patient search -> 200 with patients")
    void row_sys_systemTokenRead() {
        Response r = token(form("client_credentials", ClientAuthentication.ASSERTION_TYPE, validAssertion(es384), "system/*.rs"));
        String accessToken = r.json().path("access_token").asText();
        Response search = smart.read("Patient?_count=10", accessToken);
        assertThat(search.status()).as(search.toString()).isEqualTo(200);
        assertThat(search.json().path("entry")).as("system/*.rs sees the patients").isNotEmpty();
    }
}
