package org.portico.fhir.ingest;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The private keys Portico signs its client assertions with (ADR 0022). A pull source names its key by
 * reference, never by value: {@code file:<name>} is a private JWK (or a JWK Set of one key) in the
 * configured key folder, {@code env:PORTICO_PULL_KEY_<X>} an environment variable holding one. The
 * references are confined to that folder and that prefix, so that the admin API cannot make the
 * server read other files or variables; errors never quote what was read.
 */
public final class PullKeys {

    static final String ENV_PREFIX = "PORTICO_PULL_KEY_";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern ENV_NAME = Pattern.compile(Pattern.quote(ENV_PREFIX) + "[A-Z0-9_]{1,100}");

    /** A key to sign with and the algorithm that goes with it (RS384 for RSA, ES384/ES256 for EC). */
    public record SigningKey(JWK jwk, JWSAlgorithm algorithm, JWSSigner signer) {

        /** What the operator registers at the source: the public half. */
        public JWK publicJwk() {
            return jwk.toPublicJWK();
        }
    }

    /** A key reference that does not give a usable private key; the message quotes no key material. */
    public static final class KeyException extends Exception {
        KeyException(String message) {
            super(message);
        }
    }

    private final Path keyDir;
    private final Function<String, String> environment;

    public PullKeys(Path keyDir, Function<String, String> environment) {
        this.keyDir = keyDir;
        this.environment = environment;
    }

    public static PullKeys of(String keyDir) {
        Map<String, String> env = System.getenv();
        return new PullKeys(keyDir == null || keyDir.isBlank() ? null : Path.of(keyDir), env::get);
    }

    public SigningKey load(String reference) throws KeyException {
        if (reference == null) {
            throw new KeyException("no key reference");
        }
        String text;
        if (reference.startsWith("file:")) {
            String name = reference.substring("file:".length());
            if (!FILE_NAME.matcher(name).matches()) {
                throw new KeyException("a file: key reference is a plain file name in the key folder");
            }
            if (keyDir == null) {
                throw new KeyException("no key folder is configured (portico.fhir.ingest.pull.key-dir)");
            }
            try {
                text = Files.readString(keyDir.resolve(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KeyException("the key file " + name + " cannot be read");
            }
        } else if (reference.startsWith("env:")) {
            String name = reference.substring("env:".length());
            if (!ENV_NAME.matcher(name).matches()) {
                throw new KeyException("an env: key reference names a variable " + ENV_PREFIX + "<NAME> (A-Z, 0-9, _)");
            }
            text = environment.apply(name);
            if (text == null || text.isBlank()) {
                throw new KeyException("the environment variable " + name + " is not set");
            }
        } else {
            throw new KeyException("a key reference is file:<name> or env:" + ENV_PREFIX + "<NAME>");
        }
        return signingKey(parse(text.strip()));
    }

    private static JWK parse(String text) throws KeyException {
        try {
            if (text.contains("\"keys\"")) {
                JWKSet set = JWKSet.parse(text);
                if (set.getKeys().size() != 1) {
                    throw new KeyException("the key's JWK Set must hold exactly one key");
                }
                return set.getKeys().get(0);
            }
            return JWK.parse(text);
        } catch (ParseException e) {
            throw new KeyException("the key is not a JWK");
        }
    }

    private static SigningKey signingKey(JWK jwk) throws KeyException {
        if (!jwk.isPrivate()) {
            throw new KeyException("the key is a public key; Portico needs the private key to sign");
        }
        try {
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    throw new KeyException("an RSA key has at least 2048 bits");
                }
                return new SigningKey(jwk, JWSAlgorithm.RS384, new RSASSASigner(rsa));
            }
            if (jwk instanceof ECKey ec && (Curve.P_384.equals(ec.getCurve()) || Curve.P_256.equals(ec.getCurve()))) {
                return new SigningKey(jwk, Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256, new ECDSASigner(ec));
            }
        } catch (JOSEException e) {
            throw new KeyException("the key cannot sign");
        }
        throw new KeyException("the key must be RSA (RS384) or EC P-384 (ES384) or P-256 (ES256)");
    }
}
