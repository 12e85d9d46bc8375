package org.portico.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.portico.auth.Texts;
import org.portico.auth.consent.ScopeDescriptions;
import org.junit.jupiter.api.Test;
import org.springframework.context.i18n.LocaleContextHolder;

/**
 * AuditEvents in the fhir-server's BALP shape (test resource {@code audit/search-bundle.json}: a search
 * result as {@code GET AuditEvent?patient=} returns it) turned into the page's plain language.
 */
class AccessDescriptionsTest {

    static final AccessDescriptions DESCRIPTIONS = new AccessDescriptions(Texts.messages(), new ScopeDescriptions(Texts.messages()));

    static List<AccessEntry> entries;

    @BeforeAll
    static void readBundle() throws IOException {
        try (InputStream in = AccessDescriptionsTest.class.getResourceAsStream("/audit/search-bundle.json")) {
            JsonNode bundle = new ObjectMapper().readTree(in);
            entries = new ArrayList<>();
            bundle.path("entry").forEach(e -> entries.add(AccessEntry.from(e.path("resource"))));
        }
    }

    static AccessEntry entry(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void whenAppWasRefusedThenTheEntrySaysRefusedAccessToTheDataItAskedFor() {
        AccessEntry refused = entry("105");
        assertThat(refused.clientId()).isEqualTo("it-public");
        assertThat(refused.userSubject()).isEqualTo("SUB-ALICE");
        assertThat(refused.resourceType()).isEqualTo("MedicationRequest");
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.httpStatus()).isEqualTo(403);
        assertThat(refused.recorded()).isEqualTo(Instant.parse("2026-11-27T05:10:00.512Z"));
        assertThat(DESCRIPTIONS.describe(refused)).isEqualTo("Was refused access to your medications and prescriptions");
        assertThat(DESCRIPTIONS.outcome(refused)).isEqualTo("Refused");
    }

    @Test
    void whenAppSearchedThenTheEntryNamesTheDataAndHowManyWereFound() {
        AccessEntry search = entry("104");
        assertThat(search.resourceType()).isEqualTo("Observation");
        assertThat(search.resourceCount()).isEqualTo(3);
        assertThat(DESCRIPTIONS.describe(search)).isEqualTo("Searched your lab results and vital signs (3 found)");
        assertThat(DESCRIPTIONS.outcome(search)).isEqualTo("Allowed");
    }

    @Test
    void whenAppReadThePatientThenTheEntrySaysReadYourPersonalDetails() {
        AccessEntry read = entry("103");
        assertThat(read.userSubject()).as("the user agent is the one with altId").isEqualTo("SUB-CAROL");
        assertThat(DESCRIPTIONS.describe(read)).isEqualTo("Read your personal details (name, birth date, contact information)");
    }

    @Test
    void whenCompartmentSearchThenTheTypeAfterThePatientIsNamed() {
        AccessEntry compartment = new AccessEntry("9", null, "app", null, "search-type", "0", null,
                AccessEntry.typeInRequestLine("GET Patient/pat-a/Condition"), 0);
        assertThat(compartment.resourceType()).isEqualTo("Condition");
        assertThat(DESCRIPTIONS.describe(compartment)).isEqualTo("Searched your health problems and diagnoses (nothing found)");
    }

    @Test
    void whenNoRequestLineThenTheTypeComesFromTheReturnedResourceIdentifiers() {
        AccessEntry search = entry("101");
        assertThat(search.resourceType()).isEqualTo("Condition");
        assertThat(search.userSubject()).as("an app acting on its own has no user agent").isNull();
        assertThat(DESCRIPTIONS.describe(search)).isEqualTo("Searched your health problems and diagnoses (1 found)");
    }

    @Test
    void whenPortalReadTheLogThenItIsAnAccessLogSearchByThePortal() {
        AccessEntry portal = entry("102");
        assertThat(portal.clientId()).isEqualTo("portico-portal");
        assertThat(DESCRIPTIONS.describe(portal)).startsWith("Searched your AuditEvent records");
    }

    @Test
    void whenOtherFailuresThenNotFoundAndServerProblemsAreToldApart() {
        AccessEntry notFound = new AccessEntry("1", null, "app", null, "read", "4", "HTTP 404: gone", "Condition", 0);
        assertThat(DESCRIPTIONS.describe(notFound)).isEqualTo("Asked for your health problems and diagnoses, but it was not found");
        assertThat(DESCRIPTIONS.outcome(notFound)).isEqualTo("Not found");
        AccessEntry serverError = new AccessEntry("2", null, "app", null, "search-type", "8", "HTTP 500: internal error", "Observation", 0);
        assertThat(DESCRIPTIONS.describe(serverError)).isEqualTo("Tried to search your lab results and vital signs, but the server had a problem");
        assertThat(DESCRIPTIONS.outcome(serverError)).isEqualTo("Failed");
        AccessEntry unauthenticated = new AccessEntry("3", null, null, null, "read", "4", "HTTP 401: The access token has expired", null, 0);
        assertThat(DESCRIPTIONS.describe(unauthenticated)).isEqualTo("Was refused access to your record");
    }

    @Test
    void whenRequestLineIsOddThenNoTypeIsGuessed() {
        assertThat(AccessEntry.typeInRequestLine("GET $export")).isNull();
        assertThat(AccessEntry.typeInRequestLine("GET metadata")).isNull();
        assertThat(AccessEntry.typeInRequestLine("POST ")).isNull();
        assertThat(AccessEntry.typeInRequestLine(null)).isNull();
        assertThat(AccessEntry.typeInRequestLine("GET Observation/5/_history/2")).isEqualTo("Observation");
        assertThat(AccessEntry.typeInRequestLine("POST Observation/_search")).isEqualTo("Observation");
    }

    @Test
    void whenEventIsEmptyThenItIsStillDescribed() throws IOException {
        AccessEntry empty = AccessEntry.from(new ObjectMapper().readTree("{\"resourceType\":\"AuditEvent\"}"));
        assertThat(empty.clientId()).isNull();
        assertThat(DESCRIPTIONS.describe(empty)).isEqualTo("Used your record");
    }

    @Test
    void whenThePatientReadsSpanishThenTheEntriesAreInSpanish() {
        LocaleContextHolder.setLocale(Locale.forLanguageTag("es"));
        try {
            assertThat(DESCRIPTIONS.describe(entry("105"))).isEqualTo("Se le negó el acceso a sus medicamentos y recetas");
            assertThat(DESCRIPTIONS.outcome(entry("105"))).isEqualTo("Denegado");
        } finally {
            LocaleContextHolder.resetLocaleContext();
        }
    }
}
