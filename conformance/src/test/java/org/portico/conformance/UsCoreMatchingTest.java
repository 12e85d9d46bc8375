package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Single Patient API toolkit without a server: the table, search matching, must-support paths. */
class UsCoreMatchingTest {

    private static final UsCorePackage PKG = UsCorePackage.load("7.0.0");

    private static JsonNode json(String text) throws Exception {
        return Response.JSON.readTree(text);
    }

    @Test
    void theTableHasEveryRowOfTheChecklist() {
        UsCoreTable table = UsCoreTable.load("7.0.0");
        assertThat(table.groups()).hasSize(46);
        assertThat(table.groups()).extracting(UsCoreTable.Group::id).startsWith("12.2", "12.3").endsWith("12.47", "12.48")
                .doesNotContain("12.30");
        for (UsCoreTable.Group g : table.groups()) {
            assertThat(PKG.profile(g.profile()).path("type").asText()).as(g.id()).isEqualTo(g.type());
            assertThat(g.readOnly() || g.firstSearch() != null).as(g.id() + " has a first search").isTrue();
            g.searches().forEach(s -> s.params().forEach(p -> PKG.searchParam(g.type(), p)));
        }
    }

    @Test
    void theUsCore6TableIsScenario10() {
        UsCoreTable table = UsCoreTable.load("6.1.0");
        UsCorePackage pkg6 = UsCorePackage.load("6.1.0");
        assertThat(table.groups()).hasSize(42);
        assertThat(table.groups()).extracting(UsCoreTable.Group::id).startsWith("10.2").endsWith("10.44").doesNotContain("10.28");
        assertThat(table.groups()).extracting(UsCoreTable.Group::profile).doesNotContain("us-core-location");
        assertThat(List.of(table.capabilityStatementId(), table.clinicalNotesId(), table.missingDataId(), table.screeningAssessmentId()))
                .containsExactly("10.1", "10.45", "10.46", "10.47");
        for (UsCoreTable.Group g : table.groups()) {
            assertThat(pkg6.profile(g.profile()).path("type").asText()).as(g.id()).isEqualTo(g.type());
            g.searches().forEach(s -> s.params().forEach(p -> pkg6.searchParam(g.type(), p)));
        }
    }

    @Test
    void whenATokenParameterIsSearchedThenCodeAndSystemBarCodeMatch() throws Exception {
        JsonNode obs = json("""
                {"resourceType":"Observation","id":"1","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
                 "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2020-05-01T10:00:00-05:00"}""");
        UsCorePackage.SearchParam code = PKG.searchParam("Observation", "code");
        assertThat(SearchMatch.mismatch(obs, code, "8867-4")).isNull();
        assertThat(SearchMatch.mismatch(obs, code, "http://loinc.org|8867-4")).isNull();
        assertThat(SearchMatch.mismatch(obs, code, "1111-1,8867-4")).isNull();
        assertThat(SearchMatch.mismatch(obs, code, "http://snomed.info/sct|8867-4")).isNotNull();
        UsCorePackage.SearchParam patient = PKG.searchParam("Observation", "patient");
        assertThat(SearchMatch.mismatch(obs, patient, "p1")).isNull();
        assertThat(SearchMatch.mismatch(obs, patient, "Patient/p1")).isNull();
        assertThat(SearchMatch.mismatch(obs, patient, "p2")).isNotNull();
    }

    @Test
    void whenADateIsSearchedThenPrefixesAndPrecisionAreRespected() throws Exception {
        JsonNode obs = json("""
                {"resourceType":"Observation","id":"1","effectiveDateTime":"2020-05-01T10:00:00-05:00"}""");
        UsCorePackage.SearchParam date = PKG.searchParam("Observation", "date");
        assertThat(SearchMatch.mismatch(obs, date, "2020-05-01T10:00:00-05:00")).isNull();
        assertThat(SearchMatch.mismatch(obs, date, "gt" + SearchMatch.shift("2020-05-01T10:00:00-05:00", -1))).isNull();
        assertThat(SearchMatch.mismatch(obs, date, "lt" + SearchMatch.shift("2020-05-01T10:00:00-05:00", 1))).isNull();
        assertThat(SearchMatch.mismatch(obs, date, "gt2020-05-03")).isNotNull();
        assertThat(SearchMatch.mismatch(obs, date, "lt2020-04-29")).isNotNull();
        assertThat(SearchMatch.shift("2020-05-01T10:00:00-05:00", 1)).isEqualTo("2020-05-02T10:00:00-05:00");
        JsonNode encounter = json("""
                {"resourceType":"Encounter","id":"e","period":{"start":"2015-11-01T17:00:14-05:00","end":"2015-11-01T18:00:14-05:00"}}""");
        assertThat(SearchMatch.mismatch(encounter, PKG.searchParam("Encounter", "date"), "gt2015-10-31T17:00:14-05:00")).isNull();
    }

    @Test
    void whenMustSupportPathsHaveSlicesThenTheDiscriminatorsDecide() throws Exception {
        MustSupport bp = new MustSupport(PKG, "us-core-blood-pressure");
        JsonNode obs = json("""
                {"resourceType":"Observation","id":"bp","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
                 "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
                              {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"unknown"}]}}]}""");
        assertThat(bp.missing(List.of("category:VSCat", "component:systolic.valueQuantity.value", "component:diastolic.dataAbsentReason",
                "component:diastolic.valueQuantity", "effectiveDateTime or effectivePeriod"), List.of(obs)))
                .containsExactly("component:diastolic.valueQuantity", "effectiveDateTime or effectivePeriod");
        MustSupport patient = new MustSupport(PKG, "us-core-patient");
        JsonNode p = json("""
                {"resourceType":"Patient","id":"p","extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race","extension":[]}],
                 "birthDate":"1990-01-01","_gender":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}""");
        assertThat(patient.missing(List.of("extension:race", "extension:ethnicity", "birthDate", "gender"), List.of(p)))
                .containsExactly("extension:ethnicity", "gender");
    }
}
