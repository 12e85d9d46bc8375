package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The patient can read their own access log (architecture invariant 4, issue 4): an app registered for
 * this run completes a standalone launch for patient A, reads A's Patient, searches A's Observations and
 * Conditions and is refused A's medications (a type outside its scopes). Within seconds, A's
 * "Who has seen my record" page shows that app with those accesses in plain words; patient B's page
 * shows nothing of it, and B cannot ask for A's.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessLogIT {

    private static final String SCOPE = "launch/patient openid fhirUser patient/Patient.rs patient/Observation.rs patient/Condition.rs";
    private static final String PAGE = "/account/access-log";
    /** The fhir-server writes AuditEvents through an outbox, "within a few seconds". */
    private static final Duration AUDIT_DELAY = Duration.ofSeconds(12);

    private final Deployment deployment;
    private final SmartClient smart;
    private final LoginDriver browser = new LoginDriver();
    private String appName;
    private String clientId;
    private String patientA;
    private int observationsFound;
    private int conditionsFound;

    AccessLogIT(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void appReadsAndIsRefusedForPatientA() {
        appName = "Access log e2e app " + UUID.randomUUID().toString().substring(0, 8);
        clientId = register(appName);
        ClientRegistration app = new ClientRegistration(clientId, null, List.of("http://127.0.0.1/callback"));
        Launch launch = smart.launch(app, deployment.demo().user(0), SCOPE);
        assertThat(launch.tokenExchange()).as(launch.authorization().describe()).isNotNull();
        TokenResponse tokens = launch.tokens();
        String token = tokens.accessToken();
        patientA = tokens.patient();

        Response patient = smart.read("Patient/" + patientA, token);
        assertThat(patient.status()).as(patient.describe()).isEqualTo(200);
        Response observations = smart.read("Observation?patient=" + patientA + "&_count=5", token);
        assertThat(observations.status()).as(observations.describe()).isEqualTo(200);
        observationsFound = observations.json().path("entry").size();
        Response conditions = smart.read("Condition?patient=" + patientA + "&_count=5", token);
        assertThat(conditions.status()).as(conditions.describe()).isEqualTo(200);
        conditionsFound = conditions.json().path("entry").size();
        Response medications = smart.read("MedicationRequest?patient=" + patientA, token);
        assertThat(medications.status()).as("outside the app's scopes: " + medications.describe()).isEqualTo(403);
    }

    @Test
    @Order(1)
    void patientSeesTheAppsReadsAndTheRefusalInPlainWordsWithinSeconds() throws InterruptedException {
        HttpSession session = deployment.newSession();
        Response first = browser.open(session, page(null), deployment.demo().user(0));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);

        Instant deadline = Instant.now().plus(AUDIT_DELAY);
        Document page = Jsoup.parse(first.body());
        while (rows(page).size() < 4 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            Response again = session.get(page(null));
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            page = Jsoup.parse(again.body());
        }
        assertThat(page.select("h1").eachText()).containsExactly("Who has seen my record");
        assertThat(page.selectFirst("#log-unavailable")).as("the log could be read: " + page.text()).isNull();
        Element app = section(page);
        assertThat(app).as("a section for " + appName + " after " + AUDIT_DELAY.toSeconds() + " s: " + page.text()).isNotNull();
        assertThat(app.selectFirst("h2").text()).contains(appName).contains("Not reviewed by");

        List<String> what = rows(page).stream().map(r -> r.selectFirst("td.what").text()).toList();
        assertThat(what).as("newest first").containsExactly(
                "Was refused access to your medications and prescriptions",
                "Searched your health problems and diagnoses" + found(conditionsFound),
                "Searched your lab results and vital signs" + found(observationsFound),
                "Read your personal details (name, birth date, contact information)");
        assertThat(rows(page).stream().map(r -> r.selectFirst("td.outcome").text()).toList())
                .containsExactly("Refused", "Allowed", "Allowed", "Allowed");
        assertThat(rows(page).stream().map(r -> r.selectFirst("td.who").text()).toList()).containsOnly("You");
        for (Element row : rows(page)) {
            Instant when = Instant.parse(row.selectFirst("time").attr("datetime"));
            assertThat(when).isBetween(Instant.now().minus(Duration.ofMinutes(10)), Instant.now().plusSeconds(5));
        }
        assertThat(page.text().toLowerCase(Locale.ROOT)).doesNotContain("exception", patientA.toLowerCase(Locale.ROOT));
    }

    @Test
    @Order(2)
    void anotherPatientSeesNoneOfItAndCannotAskForIt() {
        HttpSession session = deployment.newSession();
        Response own = browser.open(session, page(null), deployment.demo().user(1));
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        Document page = Jsoup.parse(own.body());
        assertThat(page.select("h1").eachText()).containsExactly("Who has seen my record");
        assertThat(page.selectFirst("#log-unavailable")).as("B's log could be read: " + page.text()).isNull();
        assertThat(section(page)).as("B's log names no app that only used A's record").isNull();
        assertThat(own.body()).doesNotContain(appName, clientId);

        Response asA = session.get(page(patientA));
        assertThat(asA.status()).as(asA.describe()).isIn(400, 403);
        assertThat(asA.body()).doesNotContain(appName, clientId);
    }

    private URI page(String patient) {
        return URI.create(smart.discovery().issuer() + PAGE + (patient == null ? "" : "?patient=" + HttpSession.encode(patient)));
    }

    private Element section(Document page) {
        return page.selectFirst("section.app-log[data-client-id=" + clientId + "]");
    }

    private List<Element> rows(Document page) {
        Element section = section(page);
        return section == null ? List.of() : section.select("tbody tr");
    }

    private static String found(int count) {
        return switch (count) {
            case 0 -> " (nothing found)";
            case 1 -> " (1 found)";
            default -> " (" + count + " found)";
        };
    }

    /** Registers a public app for this run (RFC 7591), so that its name appears only where this test put it. */
    private String register(String name) {
        URI endpoint = URI.create(smart.discovery().json().path("registration_endpoint").asText(
                smart.discovery().issuer() + "/connect/register"));
        String body = """
                {"client_name": "%s", "redirect_uris": ["http://127.0.0.1/callback"],
                 "token_endpoint_auth_method": "none", "grant_types": ["authorization_code"],
                 "scope": "%s"}""".formatted(name, SCOPE);
        Response response = smart.http().send(HttpSession.request(endpoint, "Content-Type", "application/json",
                "Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        JsonNode registered = response.json();
        return registered.path("client_id").asText();
    }
}
