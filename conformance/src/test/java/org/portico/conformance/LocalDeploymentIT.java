package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, with {@link FakeServerMain} in place of the server jars: both started with their
 * settings, a database created and dropped again.
 */
class LocalDeploymentIT {

    private static final String DB_URL = env("PORTICO_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String DB_USER = env("PORTICO_TEST_DB_USER", "postgres");
    private static final String DB_PASSWORD = System.getenv("PORTICO_TEST_DB_PASSWORD");

    @TempDir
    Path root;

    @Test
    void whenStartedThenBothServersGetTheirSettingsAndTheDatabaseExistsUntilClosed() throws Exception {
        checkout(true);
        String database;
        try (LocalDeployment deployment = LocalDeployment.start(settings(false))) {
            database = deployment.databaseName();
            assertThat(databaseExists(database)).isTrue();
            String fhirLog = Files.readString(root.resolve("logs/fhir-server.log"));
            String authLog = Files.readString(root.resolve("logs/auth-server.log"));
            String fhirBase = deployment.deployment().fhirBase().toString();
            assertThat(fhirLog).contains("PORTICO_FHIR_BASE_URL=" + fhirBase)
                    .contains("SERVER_PORT=" + deployment.deployment().fhirBase().getPort())
                    .contains("PORTICO_FHIR_DB_URL=jdbc:postgresql://")
                    .contains("/" + database)
                    .contains("PORTICO_FHIR_DEMO_DIR=" + root.resolve("demo/fhir"));
            assertThat(authLog).contains("PORTICO_FHIR_BASE_URL=" + fhirBase)
                    .contains("PORTICO_AUTH_ISSUER=http://localhost:")
                    .contains("PORTICO_AUTH_DEMO_FILE=" + root.resolve("demo/users.json"));
            assertThat(fhirLog + authLog).doesNotContain("SERVER_SSL_").doesNotContain("javax.net.ssl");
            assertThat(deployment.deployment().demo().users()).hasSize(1);
            assertThat(deployment.deployment().selfSignedCertificate()).isFalse();
        }
        assertThat(databaseExists(database)).isFalse();
    }

    @Test
    void whenStartedWithTlsThenBothServeHttpsWithTheRunsCertificateAndTrustIt() throws Exception {
        checkout(true);
        try (LocalDeployment deployment = LocalDeployment.start(settings(true))) {
            Deployment started = deployment.deployment();
            assertThat(started.fhirBase().getScheme()).isEqualTo("https");
            assertThat(started.fhirBase().getHost()).isEqualTo("localhost");
            assertThat(started.selfSignedCertificate()).isTrue();
            Path keyStore = root.resolve("logs/tls/keystore.p12");
            Path trustStore = root.resolve("logs/tls/truststore.p12");
            assertThat(keyStore).isRegularFile();
            assertThat(trustStore).isRegularFile();
            for (String log : List.of("logs/fhir-server.log", "logs/auth-server.log")) {
                assertThat(Files.readString(root.resolve(log)))
                        .contains("SERVER_SSL_ENABLED=true")
                        .contains("SERVER_SSL_KEY_STORE=" + keyStore)
                        .contains("SERVER_SSL_ENABLED_PROTOCOLS=TLSv1.2,TLSv1.3")
                        .contains("jvm -Djavax.net.ssl.trustStore=" + trustStore);
            }
            assertThat(Files.readString(root.resolve("logs/auth-server.log")))
                    .contains("PORTICO_AUTH_ISSUER=https://localhost:");
            // the readiness probes passed over HTTPS; the suite's own client trusts the certificate too
            Response metadata = started.newSession().get(URI.create(started.fhirBase() + "/metadata"));
            assertThat(metadata.status()).isEqualTo(200);
            // ... and only because it was told to: the JVM's default trust store does not know it
            assertThatThrownBy(() -> new HttpSession().get(URI.create(started.fhirBase() + "/metadata")))
                    .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    @Test
    void whenAJarIsMissingThenFailsNamingIt() throws Exception {
        checkout(false);
        assertThatThrownBy(() -> LocalDeployment.start(settings(true)))
                .hasMessageContaining("portico-auth-server.jar")
                .hasMessageContaining("does not exist");
    }

    private LocalDeployment.Settings settings(boolean tls) {
        return new LocalDeployment.Settings(root, root.resolve("logs"),
                Path.of(System.getProperty("java.home"), "bin", "java"), List.of("-Xmx64m"),
                DB_URL, DB_USER, DB_PASSWORD, Duration.ofSeconds(60), tls);
    }

    /** A fake checkout: demo files and jars that run {@link FakeServerMain} from the test classes. */
    private void checkout(boolean withAuthJar) throws IOException {
        Files.createDirectories(root.resolve("demo/fhir"));
        Files.writeString(root.resolve("demo/users.json"), """
                {"users": [{"username": "u", "password": "p"}],
                 "clients": [{"client_id": "c", "type": "public", "redirect_uris": ["http://localhost/cb"]}]}
                """);
        fakeJar(root.resolve("fhir-server/target/portico-fhir-server.jar"));
        if (withAuthJar) {
            fakeJar(root.resolve("auth-server/target/portico-auth-server.jar"));
        }
    }

    private static void fakeJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Path classes = Path.of(FakeServerMain.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeServerMain.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // the manifest is the whole jar
        }
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
