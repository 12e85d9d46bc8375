package org.portico.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * The kit's command line: checks the SMART on FHIR deployment named by {@code --fhir-base} and the
 * configuration file, and writes JUnit XML, an HTML report and a one-line summary. Exit status 0 when
 * no check failed, 1 when one did, 2 when the command or the configuration is wrong.
 */
public final class Main {

    /** Every class of checks, in the order they run (the (g)(10) checklist order, then Portico's own). */
    static final List<Class<?>> SUITE = List.of(
            G10Discovery.class, G10AuthorizationRequest.class, G10StandaloneLaunch.class, G10TokenRefresh.class,
            G10LimitedAccess.class, G10EhrLaunch.class, G10SinglePatientApi.class, G10SinglePatientApiUsCore6.class,
            G10AdditionalAuthorization.class, G10BackendServicesAuth.class, G10BulkData.class, G10Attestation.class,
            DiscoveryChecks.class, AuthorizationRequestChecks.class, StandaloneLaunchChecks.class,
            PatientIsolationChecks.class, PatientPickerChecks.class, LoginExpectationsChecks.class, InvalidTokenChecks.class,
            RobustnessProbes.class, CapabilityStatementChecks.class);

    static final String USAGE = """
            Usage: java -jar portico-conformance.jar --fhir-base URL [--config FILE] [options]

              --fhir-base URL     the FHIR base of the server under test (or "fhirBase" in the configuration,
                                  or PORTICO_CONFORMANCE_FHIR_BASE); everything else is discovered from its
                                  .well-known/smart-configuration
              --config FILE       logins, clients, expectations, TLS trust, page selectors (JSON; see the
                                  kit's README); or PORTICO_CONFORMANCE_CONFIG. ${NAME} in it reads the
                                  environment
              --report-dir DIR    where junit/*.xml and report.html go (default: conformance-report)
              --only NAMES        run only these classes of checks, comma-separated (see --list)
              --list              list the classes of checks and exit
              --help              this text
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()::get, System.out, System.err));
    }

    /** Runs the kit; returns the exit status. */
    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        if (options.list()) {
            SUITE.forEach(c -> out.println(c.getSimpleName()));
            return 0;
        }
        ConformanceConfig config;
        List<ClassSelector> selectors;
        try {
            config = ConformanceConfig.load(options.config(), options.fhirBase(), env);
            selectors = selectors(options.only());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("Configuration: " + e.getMessage());
            return 2;
        }
        Deployment deployment = config.deployment();
        String id = DeploymentExtension.register(deployment);
        Instant startedAt = Instant.now();
        ReportListener report = new ReportListener();
        Path junitDir = options.reportDir().resolve("junit");
        try {
            out.println("Checking " + deployment.fhirBase() + " (" + deployment.demo().users().size() + " logins, "
                    + deployment.demo().clients().size() + " clients configured)");
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .configurationParameter(DeploymentExtension.TARGET_PARAMETER, id)
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                    .build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, report, new Progress(out),
                    new LegacyXmlReportGeneratingListener(junitDir, new PrintWriter(out, true, StandardCharsets.UTF_8)));
        } finally {
            DeploymentExtension.unregister(id);
        }
        Path html = options.reportDir().resolve("report.html");
        HtmlReport.write(html, deployment.fhirBase().toString(), report, startedAt);
        out.println("JUnit XML: " + junitDir.toAbsolutePath());
        out.println("HTML report: " + html.toAbsolutePath());
        out.println(report.summary());
        return report.count(ReportListener.Outcome.FAILED) > 0 ? 1 : 0;
    }

    static List<ClassSelector> selectors(Set<String> only) {
        if (only.isEmpty()) {
            return SUITE.stream().map(c -> selectClass(c)).toList();
        }
        List<ClassSelector> selected = new ArrayList<>();
        for (String name : only) {
            Class<?> match = SUITE.stream().filter(c -> c.getSimpleName().equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No class of checks named " + name + " (see --list)"));
            selected.add(selectClass(match));
        }
        return selected;
    }

    /** The parsed command line, with the environment's fallbacks. */
    record Options(URI fhirBase, Path config, Path reportDir, Set<String> only, boolean list, boolean help) {

        static Options parse(String[] args, Function<String, String> env) {
            URI fhirBase = blank(env.apply("PORTICO_CONFORMANCE_FHIR_BASE")) ? null : URI.create(env.apply("PORTICO_CONFORMANCE_FHIR_BASE"));
            Path config = blank(env.apply("PORTICO_CONFORMANCE_CONFIG")) ? null : Path.of(env.apply("PORTICO_CONFORMANCE_CONFIG"));
            Path reportDir = Path.of("conformance-report");
            Set<String> only = new LinkedHashSet<>();
            boolean list = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--fhir-base" -> fhirBase = URI.create(value(args, ++i, arg));
                    case "--config" -> config = Path.of(value(args, ++i, arg));
                    case "--report-dir" -> reportDir = Path.of(value(args, ++i, arg));
                    case "--only" -> {
                        for (String name : value(args, ++i, arg).split(",")) {
                            if (!name.isBlank()) {
                                only.add(name.trim());
                            }
                        }
                    }
                    case "--list" -> list = true;
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("Unknown argument: " + arg);
                }
            }
            if (fhirBase != null && !List.of("http", "https").contains(String.valueOf(fhirBase.getScheme()).toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("--fhir-base must be an http or https URL: " + fhirBase);
            }
            return new Options(fhirBase, config, reportDir, only, list, help);
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }

    /** One line per check as it finishes. */
    private static final class Progress implements TestExecutionListener {

        private final PrintStream out;
        private final Map<String, String> marks = Map.of("SUCCESSFUL", "pass", "FAILED", "FAIL", "ABORTED", "skip");

        Progress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && id.getSource().isPresent()) {
                out.printf("  %-4s %s%n", marks.get(result.getStatus().name()), id.getDisplayName());
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            out.printf("  %-4s %s (%s)%n", "skip", id.getDisplayName(), reason);
        }
    }
}
