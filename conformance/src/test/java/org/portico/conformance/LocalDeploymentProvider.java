package org.portico.conformance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The deployment this module's integration tests check (registered for {@link DeploymentExtension} in
 * {@code META-INF/services}).
 *
 * <p>With {@code PORTICO_CONFORMANCE_CONFIG} set, the deployment that kit configuration describes is
 * tested (the CLI's file, see the README; {@code PORTICO_CONFORMANCE_FHIR_BASE} overrides its FHIR
 * base): the Maven entry point for a foreign server. With {@code PORTICO_E2E_FHIR_BASE} set, that
 * deployment is tested, with the logins and clients of
 * {@code PORTICO_E2E_DEMO_FILE} (default: the repository's {@code demo/users.json}). Otherwise both
 * Portico servers are started from their jars on a fresh PostgreSQL database at
 * {@code PORTICO_TEST_DB_URL} ({@code PORTICO_TEST_DB_USER}, {@code PORTICO_TEST_DB_PASSWORD}); the JVM
 * they run on is {@code PORTICO_E2E_JAVA} or this one, with {@code PORTICO_E2E_JVM_OPTS} if set. They
 * serve HTTPS with a certificate made for the run unless {@code PORTICO_E2E_TLS=false}.
 */
public final class LocalDeploymentProvider implements DeploymentProvider {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /** Measured on 2 shared cores: see the conformance README. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx1g", "-XX:TieredStopAtLevel=1");

    @Override
    public Opened open() {
        String config = System.getenv("PORTICO_CONFORMANCE_CONFIG");
        if (config != null && !config.isBlank()) {
            String base = System.getenv("PORTICO_CONFORMANCE_FHIR_BASE");
            ConformanceConfig kit = ConformanceConfig.load(Path.of(config),
                    base == null || base.isBlank() ? null : URI.create(base), System::getenv);
            System.out.println("[e2e] testing the deployment at " + kit.fhirBase() + " as configured in " + config);
            return new Opened(kit.deployment(), null);
        }
        String remote = System.getenv("PORTICO_E2E_FHIR_BASE");
        Path root = repositoryRoot();
        if (remote != null && !remote.isBlank()) {
            Path demoFile = Path.of(env("PORTICO_E2E_DEMO_FILE", root.resolve("demo/users.json").toString()));
            System.out.println("[e2e] testing the deployment at " + remote + " with the logins of " + demoFile);
            return new Opened(new Deployment(URI.create(remote), DemoFile.read(demoFile)), null);
        }
        LocalDeployment local = LocalDeployment.start(settings(root, "e2e-logs", null));
        System.out.printf("[e2e] servers ready in %d s: FHIR %s, database %s, logs in %s%n",
                local.startupTime().toSeconds(), local.deployment().fhirBase(), local.databaseName(),
                root.resolve("conformance/target/e2e-logs"));
        return new Opened(local.deployment(), local);
    }

    /** How this module starts a local deployment: logs under {@code conformance/target/<logs>}, the environment's database and JVM. */
    static LocalDeployment.Settings settings(Path root, String logs, Path usersFile) {
        return new LocalDeployment.Settings(
                root,
                root.resolve("conformance/target").resolve(logs),
                java(),
                jvmOptions(),
                env("PORTICO_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                env("PORTICO_TEST_DB_USER", "postgres"),
                System.getenv("PORTICO_TEST_DB_PASSWORD"),
                START_TIMEOUT,
                !"false".equalsIgnoreCase(env("PORTICO_E2E_TLS", "true")),
                usersFile);
    }

    static Path java() {
        return Path.of(env("PORTICO_E2E_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }

    private static List<String> jvmOptions() {
        String configured = System.getenv("PORTICO_E2E_JVM_OPTS");
        if (configured == null) {
            return DEFAULT_JVM_OPTIONS;
        }
        return Arrays.stream(configured.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The checkout: the {@code portico.repository.root} property the POM sets, else the parent of the working directory. */
    static Path repositoryRoot() {
        String configured = System.getProperty("portico.repository.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(root.resolve("demo"))) {
            throw new IllegalStateException("Not a Portico checkout (no demo/ folder): " + root.toAbsolutePath());
        }
        return root.toAbsolutePath().normalize();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
