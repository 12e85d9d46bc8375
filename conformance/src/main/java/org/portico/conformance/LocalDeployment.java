package org.portico.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Both Portico servers started from their jars on free ports, on a fresh PostgreSQL database with the
 * demo data loaded: what the end-to-end suite runs against when no deployment is named. With TLS (the
 * default) both serve HTTPS on {@code https://localhost:<port>} with a {@link SelfSignedCertificate}
 * made for the run, TLS 1.2 and 1.3 only, and trust it in their calls to each other. Closing it stops
 * both servers and drops the database.
 */
public final class LocalDeployment implements AutoCloseable {

    /**
     * Where and how to start.
     *
     * @param repositoryRoot the Portico checkout (server jars and demo data)
     * @param logDir         where the server logs go
     * @param java           the {@code java} launcher
     * @param jvmOptions     options for both server JVMs
     * @param dbAdminUrl     a {@code jdbc:postgresql://} URL of a database to create the test database from
     * @param dbUser         PostgreSQL user (needs CREATEDB)
     * @param dbPassword     its password, may be null
     * @param startTimeout   how long both servers together may take to become ready
     * @param tls            serve HTTPS with a self-signed certificate made in {@code <logDir>/tls}
     * @param usersFile      the auth-server's logins and clients (format of {@code demo/users.json}); null
     *                       means that file. Another file gives a second deployment other client ids and
     *                       logins over the same demo patients
     * @param demoDirs       the folders of FHIR bundles the fhir-server loads at start-up; null means the
     *                       repository's {@code demo/fhir} and {@code demo/us-core}, empty means none (the
     *                       benchmark loads its own data over the API)
     */
    public record Settings(Path repositoryRoot, Path logDir, Path java, List<String> jvmOptions,
                           String dbAdminUrl, String dbUser, String dbPassword, Duration startTimeout, boolean tls,
                           Path usersFile, List<Path> demoDirs) {

        public Settings(Path repositoryRoot, Path logDir, Path java, List<String> jvmOptions,
                String dbAdminUrl, String dbUser, String dbPassword, Duration startTimeout, boolean tls,
                Path usersFile) {
            this(repositoryRoot, logDir, java, jvmOptions, dbAdminUrl, dbUser, dbPassword, startTimeout, tls,
                    usersFile, null);
        }

        public Settings(Path repositoryRoot, Path logDir, Path java, List<String> jvmOptions,
                String dbAdminUrl, String dbUser, String dbPassword, Duration startTimeout, boolean tls) {
            this(repositoryRoot, logDir, java, jvmOptions, dbAdminUrl, dbUser, dbPassword, startTimeout, tls, null);
        }
    }

    private static final int LOG_TAIL_LINES = 80;

    private final PostgresDatabase database;
    private final List<ServerProcess> servers;
    private final Deployment deployment;
    private final Duration startupTime;
    private final SelfSignedCertificate certificate;

    private LocalDeployment(PostgresDatabase database, List<ServerProcess> servers, Deployment deployment,
            Duration startupTime, SelfSignedCertificate certificate) {
        this.database = database;
        this.servers = servers;
        this.deployment = deployment;
        this.startupTime = startupTime;
        this.certificate = certificate;
    }

    /** The run's certificate, when the servers serve HTTPS. */
    public java.util.Optional<SelfSignedCertificate> certificate() {
        return java.util.Optional.ofNullable(certificate);
    }

    public static LocalDeployment start(Settings settings) {
        Instant begin = Instant.now();
        Path root = settings.repositoryRoot().toAbsolutePath().normalize();
        Path demoFile = settings.usersFile() != null
                ? settings.usersFile().toAbsolutePath().normalize() : root.resolve("demo/users.json");
        DemoFile demo = DemoFile.read(demoFile);
        int fhirPort = freePort();
        int authPort = freePort();
        SelfSignedCertificate certificate = settings.tls()
                ? SelfSignedCertificate.generate(keytool(settings.java()), settings.logDir().resolve("tls"))
                : null;
        String scheme = certificate != null ? "https" : "http";
        SSLContext sslContext = certificate != null ? certificate.sslContext() : Deployment.defaultSslContext();
        List<String> jvmOptions = new ArrayList<>(settings.jvmOptions());
        URI fhirBase = URI.create(scheme + "://localhost:" + fhirPort + "/fhir");
        URI issuer = URI.create(scheme + "://localhost:" + authPort);

        PostgresDatabase database = PostgresDatabase.create(
                settings.dbAdminUrl(), settings.dbUser(), settings.dbPassword(), "portico_e2e_");
        Map<String, String> common = new HashMap<>();
        common.put("PORTICO_FHIR_BASE_URL", fhirBase.toString());
        common.put("PORTICO_AUTH_ISSUER", issuer.toString());
        common.put("PORTICO_FHIR_DB_URL", database.jdbcUrl());
        common.put("PORTICO_FHIR_DB_USER", database.user());
        common.put("PORTICO_AUTH_DB_URL", database.jdbcUrl());
        common.put("PORTICO_AUTH_DB_USER", database.user());
        if (database.password() != null) {
            common.put("PORTICO_FHIR_DB_PASSWORD", database.password());
            common.put("PORTICO_AUTH_DB_PASSWORD", database.password());
        }
        // the Synthea demo patients, and US Core's reference patients (the Single Patient API suite's data)
        Stream<Path> demoDirs = settings.demoDirs() != null ? settings.demoDirs().stream()
                : Stream.of("demo/fhir", "demo/us-core").map(root::resolve);
        common.put("PORTICO_FHIR_DEMO_DIR", demoDirs.filter(Files::isDirectory).map(Path::toString)
                .collect(Collectors.joining(",")));
        common.put("PORTICO_AUTH_DEMO_FILE", demoFile.toString());
        if (certificate != null) {
            common.putAll(certificate.serverEnvironment());
            jvmOptions.addAll(certificate.serverJvmOptions());
        }

        Map<String, String> fhirEnv = new HashMap<>(common);
        fhirEnv.put("SERVER_PORT", Integer.toString(fhirPort));
        Map<String, String> authEnv = new HashMap<>(common);
        authEnv.put("SERVER_PORT", Integer.toString(authPort));
        // the suite registers its apps like developers do, more than the default 20 an hour from one address
        authEnv.put("PORTICO_AUTH_REGISTRATION_RATELIMIT_REQUESTS", "1000");
        // the demo backend client's jwks_uri is served by the suite on localhost (G10BackendServicesAuth)
        authEnv.put("PORTICO_AUTH_CLIENTS_JWKS_URI_ALLOW_PRIVATE", "true");
        // the suites sign in as demo patients who have no second factor; MFA has its own tests (auth-server MfaIT)
        authEnv.put("PORTICO_AUTH_ACCOUNTS_MFA_REQUIRED_FOR_CLINICAL_DATA", "false");

        ServerProcess fhir = null;
        ServerProcess auth = null;
        try {
            fhir = ServerProcess.start("fhir-server", settings.java(), jvmOptions,
                    root.resolve("fhir-server/target/portico-fhir-server.jar"), fhirEnv, settings.logDir(),
                    URI.create(fhirBase + "/metadata"), sslContext);
            auth = ServerProcess.start("auth-server", settings.java(), jvmOptions,
                    root.resolve("auth-server/target/portico-auth-server.jar"), authEnv, settings.logDir(),
                    URI.create(issuer + "/.well-known/openid-configuration"), sslContext);
            List<ServerProcess> servers = List.of(fhir, auth);
            awaitReady(servers, begin.plus(settings.startTimeout()));
            return new LocalDeployment(database, servers, new Deployment(fhirBase, demo, sslContext,
                    certificate != null, LoginForms.defaults(), PortalPages.defaults(), true),
                    Duration.between(begin, Instant.now()), certificate);
        } catch (RuntimeException e) {
            stopQuietly(auth, e);
            stopQuietly(fhir, e);
            try {
                database.close();
            } catch (RuntimeException dropFailure) {
                e.addSuppressed(dropFailure);
            }
            throw e;
        }
    }

    public Deployment deployment() {
        return deployment;
    }

    /** From the first line of {@link #start} until both servers answered their readiness probe. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The fhir-server's process (its pid, start-up time). */
    public ServerProcess fhirServer() {
        return servers.get(0);
    }

    public String databaseName() {
        return database.name();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (ServerProcess server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        try {
            database.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Polls both servers once a second until both are ready; fails early when one exits. */
    private static void awaitReady(List<ServerProcess> servers, Instant deadline) {
        boolean[] ready = new boolean[servers.size()];
        while (true) {
            boolean all = true;
            for (int i = 0; i < servers.size(); i++) {
                ServerProcess server = servers.get(i);
                if (!ready[i]) {
                    if (!server.isAlive()) {
                        throw new IllegalStateException(server.name() + " exited during start-up; log "
                                + server.log() + ":\n" + server.tail(LOG_TAIL_LINES));
                    }
                    ready[i] = server.isReady();
                    all &= ready[i];
                }
            }
            if (all) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                StringBuilder message = new StringBuilder("The servers were not ready in time.");
                for (int i = 0; i < servers.size(); i++) {
                    ServerProcess server = servers.get(i);
                    message.append("\n\n").append(server.name()).append(ready[i] ? " (ready)" : " (NOT ready)")
                            .append(", log ").append(server.log()).append(":\n").append(server.tail(LOG_TAIL_LINES));
                }
                throw new IllegalStateException(message.toString());
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the servers", e);
            }
        }
    }

    private static void stopQuietly(ServerProcess server, RuntimeException cause) {
        if (server != null) {
            try {
                server.close();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** The {@code keytool} beside the servers' {@code java}, else this JVM's. */
    private static Path keytool(Path launcher) {
        Path parent = launcher.toAbsolutePath().getParent();
        if (parent != null) {
            for (String name : List.of("keytool", "keytool.exe")) {
                if (Files.isExecutable(parent.resolve(name))) {
                    return parent.resolve(name);
                }
            }
        }
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
