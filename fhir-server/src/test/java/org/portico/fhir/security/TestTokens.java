package org.portico.fhir.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.portico.smart.claims.SmartClaims;

/**
 * Mints access tokens as the auth-server would, with an in-test RSA key whose public half is served
 * as a JWKS over real HTTP (loopback, random port). {@link #close()} stops the server.
 */
public final class TestTokens implements AutoCloseable {

    public static final URI ISSUER = URI.create("http://issuer.portico.test");
    public static final URI FHIR_BASE = URI.create("http://localhost:8080/fhir");

    private final RSAKey key;
    private final RSAKey otherKey;
    private final HttpServer server;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final Map<String, Long> revokedGrants = new ConcurrentHashMap<>();
    private volatile boolean feedUp = true;

    public TestTokens() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-" + UUID.randomUUID()).generate();
            otherKey = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks", exchange -> {
            jwksRequests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.createContext("/revocations", exchange -> {
            long now = Instant.now().getEpochSecond();
            StringBuilder body = new StringBuilder("{\"revoked\":[");
            revokedGrants.forEach((grant, at) -> body.append(body.charAt(body.length() - 1) == '[' ? "" : ",")
                    .append("{\"grant\":\"").append(grant).append("\",\"revoked_at\":").append(at).append('}'));
            byte[] bytes = body.append("],\"now\":").append(now).append('}').toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (!feedUp) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** The revocation feed, as the auth-server serves it ({@code AuthEndpoints.REVOCATION_FEED_PATH}). */
    public URI revocationFeedUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/revocations");
    }

    /** Lists the grant in the revocation feed from now on. */
    public void revoke(String grantId) {
        revokedGrants.put(grantId, Instant.now().getEpochSecond());
    }

    /** Makes the feed answer 503 (false) or work again (true). */
    public void feedUp(boolean up) {
        feedUp = up;
    }

    public URI jwksUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** Claims of a valid patient-context token, ready to adjust. */
    public JWTClaimsSet.Builder claims(String patientId, String scope) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER.toString())
                .subject("user-" + UUID.randomUUID())
                .audience(FHIR_BASE.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString())
                .claim(SmartClaims.CLIENT_ID, "test-client")
                .claim(SmartClaims.GRANT_ID, "grant-" + UUID.randomUUID())
                .claim(SmartClaims.SCOPE, scope)
                .claim(SmartClaims.PATIENT, patientId);
    }

    public String token(String patientId, String scope) {
        return sign(claims(patientId, scope).build());
    }

    public String sign(JWTClaimsSet claims) {
        return signWith(key, claims);
    }

    /** Signed by a key the JWKS does not hold, under the same kid. */
    public String signWithOtherKey(JWTClaimsSet claims) {
        return signWith(otherKey, claims);
    }

    /** {@code alg=none}. */
    public String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** HS256 with the public modulus as the secret: the classic algorithm-confusion attack. */
    public String hmacSigned(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(key.getModulus().decode()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signWith(RSAKey signingKey, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
