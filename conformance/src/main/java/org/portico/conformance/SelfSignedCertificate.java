package org.portico.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away TLS identity for a deployment on this machine: an EC key and a self-signed certificate
 * for {@code localhost} (SAN {@code DNS:localhost}, {@code IP:127.0.0.1}) made by the JDK's
 * {@code keytool}, in a PKCS12 key store for the servers, plus a trust store holding only the
 * certificate, for the servers' calls to each other and for the suite's own HTTP clients. Made fresh
 * for each run under the log folder, never kept anywhere else.
 */
public final class SelfSignedCertificate {

    /** TLS 1.0 and 1.1 (and SSL) are refused; G10 checklist G1. */
    public static final String ENABLED_PROTOCOLS = "TLSv1.2,TLSv1.3";
    static final String ALIAS = "portico";
    private static final String CERTIFICATE_PEM = "certificate.pem";
    private static final String STORE_TYPE = "PKCS12";

    private final Path keyStore;
    private final Path trustStore;
    private final String password;
    private final SSLContext sslContext;

    private SelfSignedCertificate(Path keyStore, Path trustStore, String password, SSLContext sslContext) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
        this.sslContext = sslContext;
    }

    /** Generates {@code keystore.p12} and {@code truststore.p12} in {@code dir}, replacing earlier ones. */
    public static SelfSignedCertificate generate(Path keytool, Path dir) {
        String password = randomPassword();
        Path keyStore = dir.resolve("keystore.p12");
        Path trustStore = dir.resolve("truststore.p12");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(keyStore);
            Files.deleteIfExists(trustStore);
            runKeytool(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "7",
                    "-storetype", STORE_TYPE, "-keystore", keyStore.toString(),
                    "-storepass:env", "PORTICO_E2E_STORE_PASSWORD", "-keypass:env", "PORTICO_E2E_STORE_PASSWORD"),
                    password, dir);
            KeyStore keys = KeyStore.getInstance(STORE_TYPE);
            try (InputStream in = Files.newInputStream(keyStore)) {
                keys.load(in, password.toCharArray());
            }
            Certificate certificate = keys.getCertificate(ALIAS);
            KeyStore trusted = KeyStore.getInstance(STORE_TYPE);
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, certificate);
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trusted.store(out, password.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            Files.writeString(dir.resolve(CERTIFICATE_PEM), pem(certificate));
            return new SelfSignedCertificate(keyStore, trustStore, password, context);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the TLS key store in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create the TLS key store in " + dir, e);
        }
    }

    /** Trusts this certificate only (the servers of a local deployment, nothing else). */
    public SSLContext sslContext() {
        return sslContext;
    }

    public Path keyStore() {
        return keyStore;
    }

    public Path trustStore() {
        return trustStore;
    }

    /** The certificate alone, PEM-encoded (no secret), as a kit configuration names the certificates it trusts. */
    public Path certificatePem() {
        return trustStore.resolveSibling(CERTIFICATE_PEM);
    }

    private static String pem(Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** Spring Boot's {@code server.ssl.*}: serve HTTPS with this certificate, TLS 1.2 and 1.3 only. */
    public Map<String, String> serverEnvironment() {
        return Map.of(
                "SERVER_SSL_ENABLED", "true",
                "SERVER_SSL_KEY_STORE", keyStore.toString(),
                "SERVER_SSL_KEY_STORE_TYPE", STORE_TYPE,
                "SERVER_SSL_KEY_STORE_PASSWORD", password,
                "SERVER_SSL_KEY_ALIAS", ALIAS,
                "SERVER_SSL_ENABLED_PROTOCOLS", ENABLED_PROTOCOLS);
    }

    /**
     * JVM options that make a server trust this certificate in its own outgoing calls (JWKS, revocation
     * feed, FHIR lookups): it replaces the JDK's CA list, fine for a deployment that calls nothing else.
     */
    public List<String> serverJvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + password,
                "-Djavax.net.ssl.trustStoreType=" + STORE_TYPE);
    }

    private static void runKeytool(List<String> command, String password, Path dir) throws IOException {
        Path output = dir.resolve("keytool.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("PORTICO_E2E_STORE_PASSWORD", password);
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (exit " + process.exitValue() + "): " + command + "\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
