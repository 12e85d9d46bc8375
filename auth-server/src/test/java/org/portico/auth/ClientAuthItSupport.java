package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.form;
import static org.portico.auth.SmartTestClient.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.portico.auth.demo.DemoDataLoader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shared set-up of the client-authentication, introspection and revocation ITs (one Spring context for all
 * of them): PostgreSQL, the IT users, key pairs made at run time (no private key is committed), a real HTTP
 * server that serves client JWKS documents with a {@code Cache-Control} header and counts fetches, and
 * helpers to mint client assertions and run a launch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ClientAuthItSupport {

    static final String ISSUER = "http://localhost:9000";
    static final String TOKEN_URL = ISSUER + "/oauth2/token";
    static final String FHIR_BASE = "http://fhir.test/fhir";
    static final String USER = "it-alice";
    static final String PASSWORD = "it-alice-password";
    static final String USER_PATIENT = "it-patient-alice";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final ObjectMapper JSON = new ObjectMapper();

    static final JwksServer JWKS_SERVER = JwksServer.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> ISSUER);
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        // short enough to watch a Cache-Control max-age of 2 s expire within a test
        registry.add("portico.auth.clients.jwks-cache-floor", () -> "1s");
        registry.add("portico.auth.clients.jwks-refetch-interval", () -> "0s");
        // JWKS_SERVER is on 127.0.0.1: allowed explicitly, as an operator does for a test deployment
        registry.add("portico.auth.clients.jwks-uri-allow-private", () -> "true");
    }

    @LocalServerPort
    int port;

    @Autowired
    DemoDataLoader demoLoader;

    SmartTestClient http;

    @BeforeEach
    void newClient() {
        http = new SmartTestClient(port);
    }

    // ---- keys and assertions

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String publicJwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    /** A client assertion as SMART Backend Services and Inferno make it. */
    static String assertion(String clientId, JWK key) {
        return assertion(key, claims(clientId).build());
    }

    static JWTClaimsSet.Builder claims(String clientId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(TOKEN_URL)
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .issueTime(Date.from(now))
                .jwtID(UUID.randomUUID().toString());
    }

    static String assertion(JWK key, JWTClaimsSet claims) {
        try {
            JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- clients, registered through the demo-file loader (the operator's way)

    /** Writes a one-client demo file and loads it; the client map is in {@code demo/users.json} form. */
    void register(Map<String, Object> client) {
        try {
            Path file = Files.createTempFile("portico-it-client", ".json");
            Files.writeString(file, JSON.writeValueAsString(Map.of("clients", List.of(client))));
            demoLoader.load(file);
            Files.delete(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> backendClient(String clientId, String scope) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_id", clientId);
        client.put("client_name", "IT backend " + clientId);
        client.put("token_endpoint_auth_method", "private_key_jwt");
        client.put("grant_types", List.of("client_credentials"));
        client.put("scope", scope);
        return client;
    }

    static Object jwksJson(JWK... keys) {
        try {
            return JSON.readValue(publicJwks(keys), Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- requests

    HttpResponse<String> token(Map<String, List<String>> form) {
        return http.postForm(URI.create("/oauth2/token"), form, Map.of());
    }

    HttpResponse<String> token(Map<String, List<String>> form, Map<String, String> headers) {
        return http.postForm(URI.create("/oauth2/token"), form, headers);
    }

    HttpResponse<String> backendToken(String scope, String assertion) {
        return token(form("grant_type", "client_credentials", "scope", scope,
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion));
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(response.body())).containsEntry("error", error);
    }

    /** The token response rows of checklist section 5 and G3. */
    static Map<String, Object> assertTokenResponse(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Map<String, Object> body = json(response.body());
        assertThat(body.get("access_token")).isInstanceOf(String.class);
        assertThat(((String) body.get("token_type"))).isEqualToIgnoringCase("bearer");
        assertThat(body.get("expires_in")).isInstanceOf(Number.class);
        assertThat(body.get("scope")).isInstanceOf(String.class);
        return body;
    }

    JWTClaimsSet verified(String jwt) throws Exception {
        SignedJWT signed = SignedJWT.parse(jwt);
        HttpResponse<String> jwks = http.get(URI.create("/oauth2/jwks"));
        RSAKey key = JWKSet.parse(jwks.body()).getKeyByKeyId(signed.getHeader().getKeyID()).toRSAKey();
        assertThat(signed.verify(new RSASSAVerifier(key))).isTrue();
        return signed.getJWTClaimsSet();
    }

    static Set<String> scopes(Object scope) {
        return Set.of(((String) scope).split(" "));
    }

    // ---- a launch (login and consent as it-alice)

    /** Runs the authorization request through login and consent; returns the code. */
    String authorize(String clientId, String redirectUri, String scope, SmartTestClient.Pkce pkce) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", "st");
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        HttpResponse<String> start = http.get(http.authorizeUri(params));
        assertThat(start.statusCode()).isEqualTo(302);
        HttpResponse<String> login = http.login(USER, PASSWORD);
        var consent = http.followToConsent(login);
        HttpResponse<String> approved = http.approve(consent, Set.of());
        assertThat(approved.statusCode()).isEqualTo(302);
        URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(redirectUri);
        return SmartTestClient.queryOf(back).get("code");
    }

    /** A small real HTTP server serving JWKS documents, with a Cache-Control header and a fetch count per path. */
    static final class JwksServer {
        private final HttpServer server;
        private final Map<String, String> bodies = new ConcurrentHashMap<>();
        private final Map<String, String> cacheControl = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

        private JwksServer(HttpServer server) {
            this.server = server;
        }

        static JwksServer start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                JwksServer jwks = new JwksServer(server);
                server.createContext("/", exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    jwks.fetches.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    String body = jwks.bodies.get(path);
                    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                    if (body != null) {
                        exchange.getResponseHeaders().set("Content-Type", "application/json");
                        String cc = jwks.cacheControl.get(path);
                        if (cc != null) {
                            exchange.getResponseHeaders().set("Cache-Control", cc);
                        }
                    }
                    exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
                    if (body != null) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    }
                    exchange.close();
                });
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
                return jwks;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Serves {@code jwks} at {@code path} with the given Cache-Control (null: none); returns its URL. */
        String serve(String path, String jwks, String cacheControlHeader) {
            bodies.put(path, jwks);
            if (cacheControlHeader == null) {
                cacheControl.remove(path);
            } else {
                cacheControl.put(path, cacheControlHeader);
            }
            return url(path);
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        int fetches(String path) {
            AtomicInteger count = fetches.get(path);
            return count == null ? 0 : count.get();
        }
    }
}
