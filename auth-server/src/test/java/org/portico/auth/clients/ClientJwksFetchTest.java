package org.portico.auth.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * The fetch of a client's {@code jwks_uri} goes through {@link JwksUriGuard}: the address the guard
 * resolved is the one connected to, so an internal address is refused at fetch time whatever the
 * name resolved to at registration (DNS rebinding). A real JWKS server on 127.0.0.1 shows both sides:
 * fetched when the operator allows private addresses, never contacted when not.
 */
class ClientJwksFetchTest {

    private static final ClientAuthProperties SETTINGS = new ClientAuthProperties(Duration.ofSeconds(10), Duration.ofHours(1),
            Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(60), false);
    private static final Map<String, String> DNS = Map.of(
            "jwks.test", "127.0.0.1",
            "intranet.test", "10.1.2.3",
            "docker.test", "172.17.0.1",
            "router.test", "192.168.0.1",
            "metadata.test", "169.254.169.254",
            "ula.test", "fd00:ec2::254",
            "link6.test", "fe80::1",
            "group.test", "239.1.2.3",
            "any.test", "0.0.0.0",
            "cgnat.test", "100.100.100.200");

    private static HttpServer server;
    private static final AtomicInteger hits = new AtomicInteger();
    private static JWK key;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            hits.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static JwksUriGuard guard(boolean allowPrivate) {
        return new JwksUriGuard(allowPrivate, host -> {
            if (host.startsWith("[") || host.matches("[0-9.]+")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            String address = DNS.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        });
    }

    private static List<JWK> keys(JwksUriGuard guard, String jwksUri) throws KeySourceException {
        RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId("backend")
                .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .clientSettings(ClientSettings.builder().jwkSetUrl(jwksUri).build())
                .build();
        return new ClientJwks(SETTINGS, guard, Clock.systemUTC()).sourceFor(client)
                .get(new JWKSelector(new JWKMatcher.Builder().build()), null);
    }

    private static String local(String host) {
        return "http://" + host + ":" + server.getAddress().getPort() + "/jwks.json";
    }

    @Test
    void whenOperatorAllowsPrivateThenLoopbackJwksIsFetchedThroughTheGuardsResolver() throws Exception {
        int before = hits.get();
        assertThat(keys(guard(true), local("127.0.0.1"))).extracting(JWK::getKeyID).containsExactly("k1");
        // jwks.test exists only in the guard's table: the connection went where the guard said
        assertThat(keys(guard(true), local("jwks.test"))).extracting(JWK::getKeyID).containsExactly("k1");
        assertThat(hits.get() - before).isEqualTo(2);
    }

    @Test
    void whenPrivateNotAllowedThenLoopbackJwksIsNeverContacted() {
        int before = hits.get();
        assertThatThrownBy(() -> keys(guard(false), local("127.0.0.1")))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("loopback address");
        assertThatThrownBy(() -> keys(guard(false), local("jwks.test")))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("loopback address");
        assertThatThrownBy(() -> keys(guard(false), local("[::1]")))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("loopback address");
        assertThat(hits.get()).isEqualTo(before);
    }

    @Test
    void whenNameResolvedPubliclyAtRegistrationThenLoopbackAtFetchThenRefused() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        JwksUriGuard rebinding = new JwksUriGuard(false, host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")});
        int before = hits.get();
        assertThat(rebinding.resolve("rebind.test")).hasSize(1); // what registration saw
        assertThatThrownBy(() -> keys(rebinding, local("rebind.test")))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("loopback address");
        assertThat(hits.get()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "intranet.test, private", "docker.test, private", "router.test, private", "ula.test, private",
            "cgnat.test, shared", "metadata.test, link-local", "link6.test, link-local", "[fe80::1], link-local",
            "169.254.169.254, link-local", "group.test, multicast", "any.test, unspecified", "0.0.0.0, unspecified"})
    void whenJwksUriResolvesToAnInternalAddressThenNotFetched(String row) {
        String[] parts = row.split(", ");
        assertThatThrownBy(() -> keys(guard(false), "https://" + parts[0] + "/jwks.json"))
                .isInstanceOf(KeySourceException.class).hasMessageContaining(parts[1]);
    }

    @Test
    void whenOperatorAllowsPrivateThenLinkLocalStillNotFetched() {
        assertThatThrownBy(() -> keys(guard(true), "https://metadata.test/latest/meta-data"))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("link-local");
    }
}
