package org.portico.auth.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token signing key: RSA 2048, RS256, generated on the first start and kept in the
 * {@code signing_keys} table so that a restart (or another instance) serves the same JWKS.
 * When several rows exist (two instances started at once) every instance signs with the oldest.
 */
public final class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String ALGORITHM = JWSAlgorithm.RS256.getName();

    private final JdbcClient jdbc;

    public SigningKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public JWKSource<SecurityContext> jwkSource() {
        List<StoredKey> keys = load();
        if (keys.isEmpty()) {
            insert(generate());
            keys = load();
            log.info("Generated a new token signing key {}", keys.get(0).kid());
        }
        return new ImmutableJWKSet<>(new JWKSet(toJwk(keys.get(0))));
    }

    private List<StoredKey> load() {
        return jdbc.sql("SELECT kid, public_key, private_key FROM signing_keys WHERE algorithm = ? ORDER BY created_at, kid")
                .param(ALGORITHM)
                .query((rs, n) -> new StoredKey(rs.getString("kid"), rs.getString("public_key"), rs.getString("private_key")))
                .list();
    }

    private void insert(StoredKey key) {
        jdbc.sql("INSERT INTO signing_keys (kid, algorithm, public_key, private_key) VALUES (?, ?, ?, ?)")
                .params(key.kid(), ALGORITHM, key.publicKey(), key.privateKey())
                .update();
    }

    private static StoredKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Base64.Encoder b64 = Base64.getEncoder();
            return new StoredKey(
                    UUID.randomUUID().toString(),
                    b64.encodeToString(pair.getPublic().getEncoded()),
                    b64.encodeToString(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an RSA key", e);
        }
    }

    private static RSAKey toJwk(StoredKey key) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            Base64.Decoder b64 = Base64.getDecoder();
            RSAPublicKey publicKey = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(b64.decode(key.publicKey())));
            RSAPrivateKey privateKey = (RSAPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(key.privateKey())));
            return new RSAKey.Builder(publicKey)
                    .privateKey(privateKey)
                    .keyID(key.kid())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored signing key " + key.kid() + " is unreadable", e);
        }
    }

    private record StoredKey(String kid, String publicKey, String privateKey) {}
}
