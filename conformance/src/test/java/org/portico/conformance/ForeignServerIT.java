package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kit pointed at another server by configuration alone: a second Portico deployment on other
 * ports, with other logins and client ids ({@code foreign/users.json}), is described in a configuration
 * file the way an operator of a foreign server would write it (its FHIR base, the certificate to trust,
 * logins with the patients they may see, clients, and the login, consent and portal selectors spelled
 * differently from the kit's built-in ones), and checked by {@code java -jar portico-conformance.jar}
 * as a separate process. Passwords and the client secret reach the kit through {@code ${NAME}}
 * environment variables. The same configuration with a wrong login selector must fail, which shows
 * the login driver follows the configuration rather than its defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignServerIT {

    /** A subset of the kit: discovery, launches through the login, picker and consent pages, the portal's EHR launch, backend services, isolation, the configured expectations. */
    private static final String SUBSET = "G10Discovery,G10StandaloneLaunch,G10EhrLaunch,G10BackendServicesAuth,"
            + "StandaloneLaunchChecks,PatientIsolationChecks,PatientPickerChecks,LoginExpectationsChecks";
    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed, (\\d+) skipped$");
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(6);

    private LocalDeployment foreign;
    private Path root;
    private Path work;
    private JsonNode users;
    private final Map<String, String> secrets = new HashMap<>();

    @BeforeAll
    void startASecondDeployment() throws IOException {
        root = LocalDeploymentProvider.repositoryRoot();
        Path usersFile = root.resolve("conformance/src/test/resources/foreign/users.json");
        users = Response.JSON.readTree(usersFile.toFile());
        work = root.resolve("conformance/target/foreign");
        Files.createDirectories(work);
        foreign = LocalDeployment.start(LocalDeploymentProvider.settings(root, "e2e-foreign-logs", usersFile));
        System.out.println("[foreign] second deployment ready: " + foreign.deployment().fhirBase());
    }

    @AfterAll
    void stop() {
        if (foreign != null) {
            foreign.close();
        }
    }

    @Test
    void whenConfiguredLikeAForeignServerThenTheKitChecksItThroughTheCli() throws Exception {
        Path config = writeConfig("config.json", "form#login-form");
        Run run = cli(config, work.resolve("report"), SUBSET);

        assertThat(run.exit()).as(run.output()).isZero();
        Matcher summary = SUMMARY.matcher(run.output());
        assertThat(summary.find()).as("one-line summary in:\n" + run.output()).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as(summary.group()).isGreaterThan(50);
        assertThat(summary.group(2)).isEqualTo("0");

        Path html = work.resolve("report/report.html");
        String report = Files.readString(html);
        assertThat(report)
                .contains(foreign.deployment().fhirBase().toString())
                .contains("1.9.05")
                .contains("client_id=acme-patient-app")           // the configured client, not Portico's demo one
                .contains("login ada.foreign sees patient");     // the configured expectations
        for (String secret : secrets.values()) {
            assertThat(report).as("the report redacts secrets").doesNotContain(secret);
        }
        assertThat(report).as("no JWT in the report").doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.");
        assertThat(report).as("no authorization code in the report").doesNotContainPattern("[?;]code=(?!&lt;redacted&gt;)");
        try (var files = Files.list(work.resolve("report/junit"))) {
            List<Path> xml = files.filter(f -> f.toString().endsWith(".xml")).toList();
            assertThat(xml).isNotEmpty();
            assertThat(Files.readString(xml.get(0))).contains("<testsuite").contains("row_1_9_05_codeExchange");
        }
    }

    /**
     * The Bulk Data rows through the CLI, as the pre-registered backend client {@code acme-bulk} whose
     * private key only the configuration holds, exporting the Group of the US Core reference patients:
     * no row fails (8.3.08 skips only the US Core types the export does not hold).
     */
    @Test
    void whenConfiguredWithABulkClientThenTheBulkDataRowsRunThroughTheCli() throws Exception {
        Path config = writeConfig("bulk.json", "form#login-form");
        Run run = cli(config, work.resolve("bulk-report"), "G10BulkData");

        Matcher summary = SUMMARY.matcher(run.output());
        assertThat(summary.find()).as("one-line summary in:\n" + run.output()).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as(summary.group()).isGreaterThanOrEqualTo(18);
        String xml;
        try (var files = Files.list(work.resolve("bulk-report/junit"))) {
            xml = Files.readString(files.filter(f -> f.toString().endsWith(".xml")).findFirst().orElseThrow());
        }
        Matcher failed = Pattern.compile("<testcase name=\"([^\"]+)\"[^>]*>\\s*<failure").matcher(xml);
        List<String> failures = new ArrayList<>();
        while (failed.find()) {
            failures.add(failed.group(1));
        }
        assertThat(failures).as(run.output()).isEmpty();
        assertThat(xml).contains("row_8_4_cancel").contains("row_bulk_otherClient");
        String report = Files.readString(work.resolve("bulk-report/report.html"));
        for (String secret : secrets.values()) {
            assertThat(report).as("the report redacts secrets").doesNotContain(secret);
        }
    }

    @Test
    void whenTheConfiguredLoginSelectorDoesNotMatchThenLaunchesFail() throws Exception {
        Path config = writeConfig("wrong-selector.json", "form#no-such-login-form");
        Run run = cli(config, work.resolve("wrong-selector-report"), "LoginExpectationsChecks");

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        Matcher summary = SUMMARY.matcher(run.output());
        assertThat(summary.find()).as(run.output()).isTrue();
        assertThat(summary.group(1)).as(summary.group()).isEqualTo("0");
        assertThat(Integer.parseInt(summary.group(2))).as(summary.group()).isEqualTo(users.path("users").size());
    }

    /** The configuration an operator writes for the second deployment; secrets as ${NAME}. */
    private Path writeConfig(String name, String loginForm) throws IOException {
        ObjectNode config = Response.JSON.createObjectNode();
        config.put("fhirBase", foreign.deployment().fhirBase().toString());
        foreign.certificate().ifPresent(c -> config.putObject("tls").putArray("trustCertificates").add(c.certificatePem().toString()));
        ArrayNode configuredUsers = config.putArray("users");
        int n = 0;
        for (JsonNode user : users.path("users")) {
            String variable = "ACME_PASSWORD_" + n++;
            secrets.put(variable, user.path("password").asText());
            ObjectNode u = configuredUsers.addObject();
            u.put("username", user.path("username").asText());
            u.put("password", "${" + variable + "}");
            u.put("patient", user.path("patient").asText());
            if (user.has("acts_for")) {
                u.set("acts_for", user.path("acts_for"));
            }
        }
        ArrayNode clients = config.putArray("clients");
        for (JsonNode client : users.path("clients")) {
            ObjectNode c = client.deepCopy();
            c.remove(List.of("client_name", "scope"));
            if (c.has("client_secret")) {
                secrets.put("ACME_CLIENT_SECRET", c.path("client_secret").asText());
                c.put("client_secret", "${ACME_CLIENT_SECRET}");
            }
            clients.add(c);
        }
        ObjectNode bulk = users.path("bulk").deepCopy();
        bulk.remove("_comment");
        secrets.put("ACME_BULK_JWK", bulk.path("private_jwk").toString());
        bulk.put("private_jwk", "${ACME_BULK_JWK}");
        config.set("bulk", bulk);
        ObjectNode login = config.putObject("login");
        login.put("loginForm", loginForm);
        login.put("usernameField", "username");
        login.put("passwordField", "password");
        login.put("consentForm", "form#consent-form");
        login.put("scopeField", "scope");
        login.put("approveButton", "button#approve");
        login.put("pickerForm", "form[id=patient-picker]");
        login.put("patientField", "patient");
        login.put("granularField", "granular_scope");
        ObjectNode portal = config.putObject("portal");
        portal.put("launchPage", "/portico/launch");
        portal.put("launchForm", "form.launch-form[id=launch-{client_id}]");
        portal.put("appsPage", "/account/apps");
        portal.put("revokeForm", "form[method=post].revoke-form");
        config.put("callsBackToLocalhost", true);
        Path file = work.resolve(name);
        Response.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
        return file;
    }

    private record Run(int exit, String output) {}

    private Run cli(Path config, Path reportDir, String only) throws Exception {
        Path jar = root.resolve("conformance/target/portico-conformance.jar");
        assertThat(jar).as("the kit's jar (built by the package phase)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(LocalDeploymentProvider.java().toString(), "-jar", jar.toString(),
                "--config", config.toString(), "--report-dir", reportDir.toString(), "--only", only));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(reportDir.resolveSibling(reportDir.getFileName() + ".log").toFile());
        builder.environment().putAll(secrets);
        Files.createDirectories(reportDir);
        Process process = builder.start();
        if (!process.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not finish in " + CLI_TIMEOUT);
        }
        String output = Files.readString(reportDir.resolveSibling(reportDir.getFileName() + ".log"), StandardCharsets.UTF_8);
        System.out.println("[foreign] " + String.join(" ", command.subList(1, command.size())) + " -> exit "
                + process.exitValue() + "; " + output.lines().reduce((a, b) -> b).orElse(""));
        return new Run(process.exitValue(), output);
    }
}
