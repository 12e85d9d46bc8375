package org.portico.fhir.uscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.fhir.uscore.UsCoreFixture.P1;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The US Core 7 searches of the (g)(10) single-patient API (checklist section 8), one case per search
 * parameter combination a profile names, on {@link UsCoreFixture}'s data with P1's patient token.
 * Each case states the exact ids it must answer: the matching resources of P1 in, P1's non-matching
 * ones and P2's twins out. Each is sent as {@code GET ...patient={id}}, {@code GET
 * ...patient=Patient/{id}} and {@code POST [type]/_search} with a form body, which must all answer the
 * same ids; tokens are sent both as {@code code} and {@code system|code}, dates with {@code ge},
 * {@code gt}, {@code le}, {@code lt} on dateTime, date and Period values, several values with commas.
 */
class UsCoreSearchIT extends UsCoreItSupport {

    static final String OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String COND_CAT = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String US_CORE_COND_CAT = "http://hl7.org/fhir/us/core/CodeSystem/condition-category";
    static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    static final String LOINC = "http://loinc.org";
    static final String SCT = "http://snomed.info/sct";

    /** One search: its type, its query ({@code {p}} is P1's id) and exactly the ids it must answer. */
    record Case(String type, String query, Set<String> expected) {
        @Override
        public String toString() {
            return type + "?" + query + " -> " + expected;
        }
    }

    static Case c(String type, String query, String... ids) {
        return new Case(type, query, new TreeSet<>(List.of(ids)));
    }

    static Stream<Case> cases() {
        return Stream.of(
                // AllergyIntolerance: patient; clinical-status
                c("AllergyIntolerance", "patient={p}", "usc-ai-1", "usc-ai-2"),
                c("AllergyIntolerance", "patient={p}&clinical-status=active", "usc-ai-1"),
                c("AllergyIntolerance", "patient={p}&clinical-status=http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical|resolved", "usc-ai-2"),
                // CarePlan: patient+category
                c("CarePlan", "patient={p}&category=assess-plan", "usc-cp-1"),
                c("CarePlan", "patient={p}&category=http://hl7.org/fhir/us/core/CodeSystem/careplan-category|assess-plan", "usc-cp-1"),
                // CareTeam: patient+status, multiple-OR
                c("CareTeam", "patient={p}&status=active", "usc-ct-1"),
                c("CareTeam", "patient={p}&status=active,proposed", "usc-ct-1", "usc-ct-2"),
                // Condition: patient; patient+category; clinical-status; onset-date; US Core's asserted-date, recorded-date, abatement-date
                c("Condition", "patient={p}", "usc-cond-dx", "usc-cond-problem", "usc-cond-concern"),
                c("Condition", "patient={p}&category=encounter-diagnosis", "usc-cond-dx"),
                c("Condition", "patient={p}&category=" + COND_CAT + "|encounter-diagnosis", "usc-cond-dx"),
                c("Condition", "patient={p}&category=" + COND_CAT + "|problem-list-item," + US_CORE_COND_CAT + "|health-concern",
                        "usc-cond-problem", "usc-cond-concern"),
                c("Condition", "patient={p}&clinical-status=" + CLINICAL + "|active", "usc-cond-dx"),
                c("Condition", "patient={p}&clinical-status=active,resolved", "usc-cond-dx", "usc-cond-problem"),
                c("Condition", "patient={p}&onset-date=ge2020-01-01", "usc-cond-dx"),
                c("Condition", "patient={p}&onset-date=lt2020-01-01", "usc-cond-problem", "usc-cond-concern"),
                c("Condition", "patient={p}&onset-date=gt2019-06-30", "usc-cond-dx"),
                c("Condition", "patient={p}&onset-date=le2019-01-01", "usc-cond-problem", "usc-cond-concern"),
                c("Condition", "patient={p}&code=" + SCT + "|44054006", "usc-cond-dx"),
                c("Condition", "patient={p}&asserted-date=2020-02-03", "usc-cond-dx"),
                c("Condition", "patient={p}&recorded-date=lt2020-01-01", "usc-cond-problem"),
                c("Condition", "patient={p}&abatement-date=ge2019-07-01", "usc-cond-problem"),
                c("Condition", "patient={p}&_lastUpdated=lt2000-01-01"),
                // Coverage: patient (beneficiary)
                c("Coverage", "patient={p}", "usc-cov-1"),
                // Device: patient; type; status
                c("Device", "patient={p}", "usc-dev-1", "usc-dev-2"),
                c("Device", "patient={p}&type=" + SCT + "|14106009", "usc-dev-1"),
                c("Device", "patient={p}&status=inactive", "usc-dev-2"),
                // DiagnosticReport: patient; patient+category; patient+code; patient+category+date
                c("DiagnosticReport", "patient={p}", "usc-dr-lab", "usc-dr-note"),
                c("DiagnosticReport", "patient={p}&category=LAB", "usc-dr-lab"),
                c("DiagnosticReport", "patient={p}&category=http://terminology.hl7.org/CodeSystem/v2-0074|LAB", "usc-dr-lab"),
                c("DiagnosticReport", "patient={p}&code=" + LOINC + "|18748-4", "usc-dr-note"),
                c("DiagnosticReport", "patient={p}&code=18748-4", "usc-dr-note"),
                c("DiagnosticReport", "patient={p}&category=LAB&date=ge2023-03-10", "usc-dr-lab"),
                c("DiagnosticReport", "patient={p}&category=LAB&date=gt2023-03-09", "usc-dr-lab"),
                c("DiagnosticReport", "patient={p}&category=LAB&date=lt2023-03-10"),
                c("DiagnosticReport", "patient={p}&category=LAB&date=le2023-03-09"),
                c("DiagnosticReport", "patient={p}&status=final&date=le2022-12-31", "usc-dr-note"),
                // DocumentReference: patient; _id; patient+type; patient+category(+date); status
                c("DocumentReference", "patient={p}", "usc-doc-1", "usc-doc-2"),
                c("DocumentReference", "_id=usc-doc-1", "usc-doc-1"),
                c("DocumentReference", "patient={p}&type=" + LOINC + "|11506-3", "usc-doc-1"),
                c("DocumentReference", "patient={p}&category=clinical-note", "usc-doc-1", "usc-doc-2"),
                c("DocumentReference", "patient={p}&category=http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category|clinical-note&date=ge2022-01-01", "usc-doc-1"),
                c("DocumentReference", "patient={p}&category=clinical-note&date=lt2022-01-01", "usc-doc-2"),
                c("DocumentReference", "patient={p}&status=current", "usc-doc-1"),
                // Encounter: patient; _id; date+patient (Period); type; status; class
                c("Encounter", "patient={p}", "usc-enc-1", "usc-enc-2"),
                c("Encounter", "_id=usc-enc-2", "usc-enc-2"),
                c("Encounter", "patient={p}&date=ge2023-07-01", "usc-enc-2"),
                c("Encounter", "patient={p}&date=gt2023-03-10", "usc-enc-2"),
                c("Encounter", "patient={p}&date=lt2023-07-01", "usc-enc-1"),
                c("Encounter", "patient={p}&date=le2023-03-10", "usc-enc-1"),
                c("Encounter", "patient={p}&type=" + SCT + "|185349003", "usc-enc-1"),
                c("Encounter", "patient={p}&status=in-progress", "usc-enc-2"),
                c("Encounter", "patient={p}&class=http://terminology.hl7.org/CodeSystem/v3-ActCode|EMER", "usc-enc-2"),
                c("Encounter", "patient={p}&class=AMB", "usc-enc-1"),
                // Goal: patient; lifecycle-status; target-date
                c("Goal", "patient={p}", "usc-goal-1", "usc-goal-2"),
                c("Goal", "patient={p}&lifecycle-status=active", "usc-goal-1"),
                c("Goal", "patient={p}&target-date=ge2023-12-31", "usc-goal-1"),
                // Immunization: patient; date; status
                c("Immunization", "patient={p}", "usc-imm-1", "usc-imm-2"),
                c("Immunization", "patient={p}&date=gt2022-01-01", "usc-imm-1"),
                c("Immunization", "patient={p}&status=not-done", "usc-imm-2"),
                // MedicationDispense: patient; status
                c("MedicationDispense", "patient={p}", "usc-md-1"),
                c("MedicationDispense", "patient={p}&status=completed", "usc-md-1"),
                // MedicationRequest: patient+intent (multiple-OR); patient+intent+status; authoredon
                c("MedicationRequest", "patient={p}&intent=order", "usc-mr-1"),
                c("MedicationRequest", "patient={p}&intent=order,plan", "usc-mr-1", "usc-mr-2"),
                c("MedicationRequest", "patient={p}&intent=order,plan,proposal&status=active", "usc-mr-1"),
                c("MedicationRequest", "patient={p}&intent=order,plan,proposal&status=active,completed,stopped",
                        "usc-mr-1", "usc-mr-2", "usc-mr-3"),
                c("MedicationRequest", "patient={p}&intent=proposal&authoredon=lt2023-01-01", "usc-mr-3"),
                // Observation: patient+category; patient+code; patient+category+date (dateTime and Period); patient+category+status
                c("Observation", "patient={p}&category=vital-signs", "usc-obs-vitals-1", "usc-obs-vitals-2"),
                c("Observation", "patient={p}&category=" + OBS_CAT + "|laboratory", "usc-obs-lab-1"),
                c("Observation", "patient={p}&category=" + OBS_CAT + "|survey," + OBS_CAT + "|social-history",
                        "usc-obs-survey-1", "usc-obs-smoking"),
                c("Observation", "patient={p}&code=" + LOINC + "|8867-4", "usc-obs-vitals-1"),
                c("Observation", "patient={p}&code=8867-4,29463-7", "usc-obs-vitals-1", "usc-obs-vitals-2"),
                c("Observation", "patient={p}&category=vital-signs&date=ge2023-06-01", "usc-obs-vitals-2"),
                c("Observation", "patient={p}&category=vital-signs&date=lt2023-06-01", "usc-obs-vitals-1"),
                c("Observation", "patient={p}&category=vital-signs&date=gt2023-03-10", "usc-obs-vitals-2"),
                c("Observation", "patient={p}&category=vital-signs&date=le2023-03-10", "usc-obs-vitals-1"),
                c("Observation", "patient={p}&category=laboratory&date=2023-03-10", "usc-obs-lab-1"),
                c("Observation", "patient={p}&category=survey&date=ge2022-01-15", "usc-obs-survey-1"),
                c("Observation", "patient={p}&category=survey&date=le2022-01-15", "usc-obs-survey-1"),
                c("Observation", "patient={p}&category=survey&date=gt2022-01-31"),
                c("Observation", "patient={p}&category=survey&date=lt2022-01-01"),
                c("Observation", "patient={p}&category=vital-signs&status=final", "usc-obs-vitals-1"),
                c("Observation", "patient={p}&category=vital-signs&status=final,amended", "usc-obs-vitals-1", "usc-obs-vitals-2"),
                c("Observation", "patient={p}&_lastUpdated=ge2000-01-01&category=social-history", "usc-obs-smoking"),
                // Procedure: patient; patient+date (dateTime and Period); code
                c("Procedure", "patient={p}", "usc-proc-1", "usc-proc-2"),
                c("Procedure", "patient={p}&date=ge2021-01-01", "usc-proc-1"),
                c("Procedure", "patient={p}&date=lt2021-01-01", "usc-proc-2"),
                c("Procedure", "patient={p}&date=le2020-05-01", "usc-proc-2"),
                c("Procedure", "patient={p}&date=gt2020-05-02", "usc-proc-1"),
                c("Procedure", "patient={p}&code=" + SCT + "|80146002", "usc-proc-1"),
                // ServiceRequest: patient; _id; patient+code; patient+category(+authored)
                c("ServiceRequest", "patient={p}", "usc-sr-1", "usc-sr-2"),
                c("ServiceRequest", "_id=usc-sr-1", "usc-sr-1"),
                c("ServiceRequest", "patient={p}&code=" + LOINC + "|24323-8", "usc-sr-1"),
                c("ServiceRequest", "patient={p}&category=" + SCT + "|108252007", "usc-sr-1"),
                c("ServiceRequest", "patient={p}&category=108252007&authored=ge2023-01-01", "usc-sr-1"),
                c("ServiceRequest", "patient={p}&category=108252007&authored=lt2023-01-01"),
                c("ServiceRequest", "patient={p}&status=completed", "usc-sr-2"),
                // Patient: _id; identifier; name; birthdate+name; gender+name; US Core's race
                c("Patient", "_id={p}", P1),
                c("Patient", "identifier=urn:portico:uscore|p1-mrn", P1),
                c("Patient", "identifier=urn:portico:uscore|p2-mrn"),
                c("Patient", "name=Fixtureson", P1),
                c("Patient", "name=Nomatch"),
                c("Patient", "birthdate=1970-01-01&name=Fixtureson", P1),
                c("Patient", "birthdate=1971-01-01&name=Fixtureson"),
                c("Patient", "gender=female&name=ada", P1),
                c("Patient", "gender=male&name=ada"),
                c("Patient", "race=2106-3", P1),
                c("Patient", "race=2054-5"));
    }

    @Autowired
    DaoRegistry daos;

    @BeforeEach
    void fixture() {
        UsCoreFixture.load(daos);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void searchAnswersExactlyTheMatchingResourcesByGetAndPost(Case c) throws Exception {
        String token = TOKENS.token(P1, "patient/*.rs");
        String query = c.query().replace("{p}", P1) + "&_count=100";
        assertThat(matchIds(get("/" + c.type() + "?" + encode(query), token))).as("GET " + query).isEqualTo(c.expected());
        assertThat(matchIds(postSearch(c.type(), encode(query), token))).as("POST _search " + query).isEqualTo(c.expected());
        if (c.query().contains("patient={p}")) {
            String reference = c.query().replace("patient={p}", "patient=Patient/" + P1) + "&_count=100";
            assertThat(matchIds(get("/" + c.type() + "?" + encode(reference), token))).as("GET " + reference)
                    .isEqualTo(c.expected());
        }
    }

    /** Each {@code name=value} of a query string with its value percent-encoded ({@code |}, {@code :}, {@code ,}). */
    static String encode(String query) {
        return Stream.of(query.split("&")).map(pair -> {
            int eq = pair.indexOf('=');
            return pair.substring(0, eq + 1) + URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }).collect(Collectors.joining("&"));
    }

    /** The ids of a searchset's matches (not its includes), all on one page. */
    static Set<String> matchIds(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode bundle = json(r);
        assertThat(bundle.path("link").toString()).as("all results on one page").doesNotContain("\"next\"");
        return ids(bundle, "match");
    }

    static Set<String> ids(JsonNode bundle, String mode) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode entry : bundle.path("entry")) {
            if (mode.equals(entry.path("search").path("mode").asText())) {
                ids.add(entry.path("resource").path("id").asText());
            }
        }
        return ids;
    }

    static List<String> typedIds(JsonNode bundle, String mode) {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            if (mode.equals(entry.path("search").path("mode").asText())) {
                ids.add(entry.path("resource").path("resourceType").asText() + "/" + entry.path("resource").path("id").asText());
            }
        }
        return ids;
    }
}
