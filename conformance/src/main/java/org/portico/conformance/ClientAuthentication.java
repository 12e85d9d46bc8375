package org.portico.conformance;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a client authenticates at the token, introspection and revocation endpoints (SMART App Launch
 * 2.x, G10 checklist G4): {@code client_id} in the body (public), HTTP Basic (confidential symmetric),
 * or a signed JWT assertion (confidential asymmetric, RFC 7523 as SMART Backend Services profiles it).
 */
public interface ClientAuthentication {

    String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    String clientId();

    /** Adds what authenticates the client to a request to {@code endpoint}: body fields and header pairs. */
    void apply(URI endpoint, Map<String, String> body, List<String> headers);

    static ClientAuthentication publicClient(String clientId) {
        return new ClientAuthentication() {
            public String clientId() {
                return clientId;
            }

            public void apply(URI endpoint, Map<String, String> body, List<String> headers) {
                body.put("client_id", clientId);
            }
        };
    }

    static ClientAuthentication basic(String clientId, String secret) {
        return new ClientAuthentication() {
            public String clientId() {
                return clientId;
            }

            public void apply(URI endpoint, Map<String, String> body, List<String> headers) {
                headers.add("Authorization");
                headers.add("Basic " + Base64.getEncoder().encodeToString(
                        (HttpSession.encode(clientId) + ":" + HttpSession.encode(secret)).getBytes(StandardCharsets.UTF_8)));
            }
        };
    }

    /** HTTP Basic with a secret, or client_id in the body without one. */
    static ClientAuthentication of(ClientRegistration client) {
        return client.isPublic() ? publicClient(client.clientId()) : basic(client.clientId(), client.clientSecret());
    }

    /**
     * {@code private_key_jwt}: a fresh assertion per request, signed with {@code key} (its {@code alg} and
     * {@code kid}), {@code aud} = the token endpoint (Portico wants the token endpoint for introspection and
     * revocation too).
     */
    static ClientAuthentication privateKeyJwt(String clientId, JWK key, URI tokenEndpoint) {
        return new ClientAuthentication() {
            public String clientId() {
                return clientId;
            }

            public void apply(URI endpoint, Map<String, String> body, List<String> headers) {
                body.put("client_assertion_type", ASSERTION_TYPE);
                body.put("client_assertion", assertion(clientId, key, tokenEndpoint.toString(),
                        Instant.now().plus(Duration.ofMinutes(4)), UUID.randomUUID().toString()).serialize());
            }
        };
    }

    /** A client assertion with the given audience, expiry and jti, signed with {@code key}. */
    static SignedJWT assertion(String clientId, JWK key, String aud, Instant exp, String jti) {
        JWSAlgorithm alg = key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName())
                : key instanceof ECKey ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        JWSHeader header = new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(aud)
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a client assertion with key " + key.getKeyID(), e);
        }
        return jwt;
    }
}
