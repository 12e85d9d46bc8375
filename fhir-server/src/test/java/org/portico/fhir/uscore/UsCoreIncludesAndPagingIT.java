package org.portico.fhir.uscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.fhir.uscore.UsCoreFixture.P1;
import static org.portico.fhir.uscore.UsCoreFixture.P2;
import static org.portico.fhir.uscore.UsCoreSearchIT.encode;
import static org.portico.fhir.uscore.UsCoreSearchIT.ids;
import static org.portico.fhir.uscore.UsCoreSearchIT.matchIds;
import static org.portico.fhir.uscore.UsCoreSearchIT.typedIds;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.security.TestTokens;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code _include=...:medication}, {@code _revinclude=Provenance:target} and paging of the US Core
 * single-patient API on {@link UsCoreFixture}'s data. A Provenance is in the patient compartment only
 * through a target that is the Patient itself; US Core's name the clinical resources. A patient's
 * token gets the Provenance about its own data, never one that also or only names another patient's.
 */
class UsCoreIncludesAndPagingIT extends UsCoreItSupport {

    @Autowired
    DaoRegistry daos;

    @BeforeEach
    void fixture() {
        UsCoreFixture.load(daos);
    }

    private static String p1() {
        return TOKENS.token(P1, "patient/*.rs");
    }

    private static String p2() {
        return TOKENS.token(P2, "patient/*.rs");
    }

    // --- _include=MedicationRequest:medication, MedicationDispense:medication ---

    @Test
    void whenIncludeMedicationRequestMedicationThenTheReferencedMedicationOnly() throws Exception {
        String query = "patient=" + P1 + "&intent=order,plan,proposal&_include=MedicationRequest:medication";
        for (HttpResponse<String> r : java.util.List.of(get("/MedicationRequest?" + encode(query), p1()),
                postSearch("MedicationRequest", encode(query), p1()))) {
            assertThat(matchIds(r)).containsExactly("usc-mr-1", "usc-mr-2", "usc-mr-3");
            // usc-mr-2 names a code, usc-mr-3 a contained Medication; P2's usc-med-2 never comes along
            assertThat(typedIds(json(r), "include")).containsExactly("Medication/usc-med-1");
            JsonNode mr3 = entry(json(r), "usc-mr-3");
            assertThat(mr3.path("contained").path(0).path("resourceType").asText()).isEqualTo("Medication");
        }
    }

    @Test
    void whenIncludeMedicationDispenseMedicationThenTheReferencedMedicationOnly() throws Exception {
        HttpResponse<String> r = get("/MedicationDispense?" + encode("patient=Patient/" + P1
                + "&_include=MedicationDispense:medication"), p1());
        assertThat(matchIds(r)).containsExactly("usc-md-1");
        assertThat(typedIds(json(r), "include")).containsExactly("Medication/usc-med-1");
    }

    // --- _revinclude=Provenance:target ---

    @Test
    void whenRevincludeProvenanceThenTheProvenanceOfOwnDataOnly() throws Exception {
        assertRevinclude("/Observation?patient=" + P1 + "&category=vital-signs", p1(), "usc-prov-obs");
        assertRevinclude("/Condition?patient=" + P1, p1(), "usc-prov-cond");
        assertRevinclude("/MedicationRequest?patient=" + P1 + "&intent=order", p1(), "usc-prov-mr");
        assertRevinclude("/Patient?_id=" + P1, p1(), "usc-prov-patient");
        assertRevinclude("/Encounter?patient=" + P1, p1());
    }

    @Test
    void whenRevincludeProvenanceByPostThenTheSame() throws Exception {
        HttpResponse<String> r = postSearch("Observation",
                encode("patient=" + P1 + "&category=vital-signs&_revinclude=Provenance:target"), p1());
        assertThat(ids(json(r), "include")).containsExactly("usc-prov-obs");
    }

    @Test
    void whenOtherPatientRevincludesProvenanceThenOnlyItsOwnNeverTheSharedOne() throws Exception {
        // usc-prov-mixed names P1's and P2's Observations: neither patient may see it
        assertRevinclude("/Observation?patient=" + P2 + "&category=vital-signs", p2(), "usc-prov2-obs");
        assertRevinclude("/Observation?patient=" + P1 + "&code=8867-4", p1(), "usc-prov-obs");
    }

    @Test
    void whenProvenanceReadByIdThenOwnYesOthersAndSharedNo() throws Exception {
        assertThat(get("/Provenance/usc-prov-obs", p1()).statusCode()).isEqualTo(200);
        assertThat(get("/Provenance/usc-prov-mr", p1()).statusCode()).isEqualTo(200);
        assertThat(get("/Provenance/usc-prov2-obs", p2()).statusCode()).isEqualTo(200);
        for (String[] denied : new String[][] {{"usc-prov2-obs", P1}, {"usc-prov-mixed", P1}, {"usc-prov-obs", P2},
                {"usc-prov-mixed", P2}, {"usc-prov-patient", P2}}) {
            HttpResponse<String> r = get("/Provenance/" + denied[0], TOKENS.token(denied[1], "patient/*.rs"));
            assertThat(r.statusCode()).as(denied[0] + " with the token of " + denied[1]).isEqualTo(403);
            assertThat(r.body()).contains("OperationOutcome").doesNotContain("usc-obs");
        }
    }

    @Test
    void whenTokenHasNoProvenanceScopeThenNoProvenanceComesAlong() throws Exception {
        String observationsOnly = TOKENS.token(P1, "patient/Observation.rs");
        HttpResponse<String> r = get("/Observation?" + encode("patient=" + P1 + "&category=vital-signs&_revinclude=Provenance:target"),
                observationsOnly);
        assertThat(matchIds(r)).containsExactly("usc-obs-vitals-1", "usc-obs-vitals-2");
        assertThat(ids(json(r), "include")).isEmpty();
        assertThat(get("/Provenance/usc-prov-obs", observationsOnly).statusCode()).isEqualTo(403);
    }

    @Test
    void whenProvenanceSearchedDirectlyThenNarrowedToThoseNamingThePatient() throws Exception {
        // a Provenance search is narrowed to patient={id}: only a Provenance whose target is the Patient
        assertThat(matchIds(get("/Provenance?patient=" + P1, p1()))).containsExactly("usc-prov-patient");
        HttpResponse<String> other = get("/Provenance?patient=" + P2, p1());
        assertThat(other.statusCode()).isIn(200, 403);
        assertThat(other.body()).doesNotContain("usc-prov2").doesNotContain("usc-prov-mixed");
    }

    private void assertRevinclude(String search, String token, String... provenance) throws Exception {
        HttpResponse<String> r = get(search + "&_revinclude=Provenance:target&_count=100", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(typedIds(json(r), "include")).as(search).containsExactlyInAnyOrder(
                java.util.Arrays.stream(provenance).map(p -> "Provenance/" + p).toArray(String[]::new));
        assertThat(r.body()).doesNotContain("usc-prov-mixed");
    }

    private static JsonNode entry(JsonNode bundle, String id) {
        for (JsonNode e : bundle.path("entry")) {
            if (id.equals(e.path("resource").path("id").asText())) {
                return e.path("resource");
            }
        }
        throw new AssertionError("no entry " + id);
    }

    // --- paging ---

    @Test
    void whenResultsSpanPagesThenNextLinksAreAbsoluteOnThePublicBaseAndCoverEveryResult() throws Exception {
        Set<String> seen = new TreeSet<>();
        HttpResponse<String> page = get("/Observation?patient=" + P1 + "&_count=2", p1());
        int pages = 0;
        while (true) {
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode bundle = json(page);
            seen.addAll(ids(bundle, "match"));
            pages++;
            String next = link(bundle, "next");
            if (next == null) {
                break;
            }
            assertThat(next).as("next link").startsWith(TestTokens.FHIR_BASE + "?").doesNotContain(":" + port + "/");
            assertThat(link(bundle, "self")).startsWith(TestTokens.FHIR_BASE.toString());
            // the public base is not listening in the test: fetch the same link from this server
            page = get(base() + next.substring(TestTokens.FHIR_BASE.toString().length()), p1());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("usc-obs-lab-1", "usc-obs-smoking", "usc-obs-survey-1", "usc-obs-vitals-1", "usc-obs-vitals-2");
    }

    @Test
    void whenPostSearchSpansPagesThenItsNextLinkIsAbsoluteToo() throws Exception {
        HttpResponse<String> r = postSearch("Observation", "patient=" + P1 + "&_count=2", p1());
        assertThat(link(json(r), "next")).startsWith(TestTokens.FHIR_BASE + "?");
    }

    private static String link(JsonNode bundle, String relation) {
        for (JsonNode link : bundle.path("link")) {
            if (relation.equals(link.path("relation").asText())) {
                return link.path("url").asText();
            }
        }
        return null;
    }
}
