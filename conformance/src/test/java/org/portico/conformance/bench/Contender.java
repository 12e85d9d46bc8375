package org.portico.conformance.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.portico.conformance.ClientAuthentication;
import org.portico.conformance.Credentials;
import org.portico.conformance.Deployment;
import org.portico.conformance.LocalDeployment;
import org.portico.conformance.PostgresDatabase;
import org.portico.conformance.Response;
import org.portico.conformance.ServerProcess;
import org.portico.conformance.SmartClient;

/**
 * One side of the comparison: a FHIR base, how its requests are authorised, and its server's CPU and
 * memory. {@link #baseline} starts the stock HAPI server; {@link #portico} both Portico servers from
 * their jars (as {@link LocalDeployment} does for the end-to-end suite, here over plain HTTP and with no
 * demo data), with patient logins for the first patients of the data set and a backend client that
 * may write.
 */
final class Contender implements AutoCloseable {

    /** Where and how the servers run. */
    record Setup(Path root, Path logDir, Path java, List<String> jvmOptions, String dbAdminUrl, String dbUser,
                 String dbPassword, Duration startTimeout) {}

    static final String PATIENT_SCOPE = "launch/patient openid fhirUser patient/*.rs";
    static final String WRITE_SCOPE = "system/*.cruds";
    static final String INGEST_CLIENT = "portico-bench-ingest";

    private final String name;
    private final URI fhirBase;
    private final ServerProcess server;
    private final ServerCpu cpu;
    private final Map<String, String> patientTokens;
    private final String writeToken;
    private final AutoCloseable resources;
    private final TokenGrants tokenGrants;

    private Contender(String name, URI fhirBase, ServerProcess server, ServerCpu cpu, Map<String, String> patientTokens,
            String writeToken, TokenGrants tokenGrants, AutoCloseable resources) {
        this.name = name;
        this.fhirBase = fhirBase;
        this.server = server;
        this.cpu = cpu;
        this.patientTokens = patientTokens;
        this.writeToken = writeToken;
        this.tokenGrants = tokenGrants;
        this.resources = resources;
    }

    /** The stock HAPI server in its own JVM (this JVM's class path) on a database of its own. */
    static Contender baseline(Setup setup) {
        PostgresDatabase database = PostgresDatabase.create(setup.dbAdminUrl(), setup.dbUser(), setup.dbPassword(), "portico_bench_hapi_");
        ServerProcess server = null;
        try {
            int port = freePort();
            URI base = URI.create("http://127.0.0.1:" + port + "/fhir");
            List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.user()));
            if (database.password() != null) {
                args.add("--spring.datasource.password=" + database.password());
            }
            // absolute, since the server runs in the log folder
            String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
            server = ServerProcess.startClass("hapi-baseline", setup.java(), setup.jvmOptions(), classPath,
                    BaselineHapiServer.class.getName(), args, Map.of(), setup.logDir(), URI.create(base + "/metadata"));
            awaitReady(server, setup.startTimeout());
            ServerProcess started = server;
            return new Contender("HAPI", base, server,
                    new ServerCpu(server.pid(), setup.dbAdminUrl(), setup.dbUser(), setup.dbPassword(), database.name()),
                    Map.of(), null, null, () -> {
                        started.close();
                        database.close();
                    });
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * Both Portico servers, security and audit on, with a login for each of {@code patients} (see
     * {@link #signIn}) and a backend client that may write ({@value #WRITE_SCOPE}).
     */
    static Contender portico(Setup setup, List<String> patients) {
        ECKey ingestKey = ecKey();
        Path usersFile = writeUsersFile(setup, patients, ingestKey);
        LocalDeployment deployment = LocalDeployment.start(new LocalDeployment.Settings(setup.root(), setup.logDir(), setup.java(),
                setup.jvmOptions(), setup.dbAdminUrl(), setup.dbUser(), setup.dbPassword(), setup.startTimeout(), false, usersFile,
                List.of()));
        try {
            SmartClient smart = deployment.deployment().smartClient();
            URI tokenEndpoint = smart.discovery().tokenEndpoint();
            ClientAuthentication ingest = ClientAuthentication.privateKeyJwt(INGEST_CLIENT, ingestKey, tokenEndpoint);
            Response write = smart.tokenRequest(ingest, Map.of("grant_type", "client_credentials", "scope", WRITE_SCOPE));
            if (write.status() != 200) {
                throw new IllegalStateException("no write token: " + write.describe() + " " + write.abbreviatedBody());
            }
            Contender portico = new Contender("Portico", deployment.deployment().fhirBase(), deployment.fhirServer(),
                    new ServerCpu(deployment.fhirServer().pid(), setup.dbAdminUrl(), setup.dbUser(), setup.dbPassword(),
                            deployment.databaseName()),
                    new LinkedHashMap<>(), write.json().path("access_token").asText(),
                    new TokenGrants(tokenEndpoint, ingest, "system/*.rs"), deployment);
            portico.deployment = deployment.deployment();
            return portico;
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    private Deployment deployment;

    /**
     * A standalone launch (the demo public app, {@value #PATIENT_SCOPE}) for each login of the users file
     * whose patient is one of {@code patients} and has no token yet: afterwards {@link #patientAuthorization}
     * has a token for each of them. Once their data is loaded (the launch shows the patient's name).
     * Nothing for the baseline.
     */
    void signIn(List<String> patients) {
        if (deployment == null) {
            return;
        }
        SmartClient smart = deployment.smartClient();
        for (Credentials user : deployment.demo().users()) {
            if (!patients.contains(user.patients().get(0)) || patientTokens.containsKey(user.patients().get(0))) {
                continue;
            }
            var launch = smart.launch(deployment.demo().publicClient(), user, PATIENT_SCOPE);
            if (launch.tokenExchange() == null || launch.tokenExchange().status() != 200) {
                throw new IllegalStateException("no patient token for " + user + ": " + launch.authorization());
            }
            patientTokens.put(launch.tokens().patient(), launch.tokens().accessToken());
        }
    }

    String name() {
        return name;
    }

    URI fhirBase() {
        return fhirBase;
    }

    ServerCpu cpu() {
        return cpu;
    }

    /** Start-up of the FHIR server's JVM: from its launch until {@code /metadata} answered 200. */
    Duration startupTime() {
        return server.readyAfter().orElse(Duration.ZERO);
    }

    /** The Authorization header value for a patient's app, null for the baseline. */
    String patientAuthorization(String patientId) {
        String token = patientTokens.get(patientId);
        return token == null ? null : "Bearer " + token;
    }

    String writeAuthorization() {
        return writeToken == null ? null : "Bearer " + writeToken;
    }

    /** The auth-server's token endpoint with a backend client, for Portico; null for the baseline. */
    TokenGrants tokenGrants() {
        return tokenGrants;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }

    /** The repository's demo users.json with the benchmark's logins instead of the demo logins, plus the ingest client. */
    private static Path writeUsersFile(Setup setup, List<String> patients, ECKey ingestKey) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode demo = (ObjectNode) json.readTree(setup.root().resolve("demo/users.json").toFile());
            demo.remove("bulk");
            demo.remove("singlePatientApi");
            ArrayNode users = demo.putArray("users");
            for (int i = 0; i < patients.size(); i++) {
                users.addObject().put("username", "bench-" + patients.get(i)).put("password", "portico-bench-login-" + i)
                        .put("patient", patients.get(i)).put("name", "Bench patient " + i);
            }
            ArrayNode clients = (ArrayNode) demo.get("clients");
            ObjectNode ingest = clients.addObject();
            ingest.put("client_id", INGEST_CLIENT);
            ingest.put("client_name", "Portico benchmark ingest (private_key_jwt, client_credentials)");
            ingest.put("token_endpoint_auth_method", "private_key_jwt");
            ingest.putArray("grant_types").add("client_credentials");
            ingest.set("jwks", json.readTree("{\"keys\":[" + ingestKey.toPublicJWK().toJSONString() + "]}"));
            ingest.put("scope", WRITE_SCOPE + " system/*.rs");
            Files.createDirectories(setup.logDir());
            Path file = setup.logDir().resolve("bench-users.json");
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), demo);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID("bench-ingest").algorithm(JWSAlgorithm.ES384).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitReady(ServerProcess server, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!server.isReady()) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(server.name() + " did not start; log " + server.log() + ":\n" + server.tail(60));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** client_credentials grants with a fresh private_key_jwt assertion each. */
    record TokenGrants(URI tokenEndpoint, ClientAuthentication client, String scope) {}
}
