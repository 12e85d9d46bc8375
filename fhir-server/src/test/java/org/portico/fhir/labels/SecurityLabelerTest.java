package org.portico.fhir.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class SecurityLabelerTest {

    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String CONF = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

    private final SecurityLabeler labeler = new SecurityLabeler(LabelRules.bundled());

    private static Condition condition(String system, String code) {
        return new Condition().setCode(new CodeableConcept(new Coding(system, code, null)));
    }

    private static List<String> labels(Resource resource) {
        return resource.getMeta().getSecurity().stream().map(c -> c.getSystem().replace(ACT, "act").replace(CONF, "conf") + "|" + c.getCode()).toList();
    }

    @Test
    void whenASubstanceUseDiagnosisThenEthSudAndRestricted() {
        for (String code : List.of("F10.10", "F11.20", "F19.99", "f11.20")) {
            Condition c = condition(ICD10CM, code);
            List<SecurityLabeler.Applied> applied = labeler.label(c);
            assertThat(applied).extracting(SecurityLabeler.Applied::ruleId).as(code).containsExactly("sud-icd10cm");
            assertThat(labels(c)).as(code).containsExactly("act|ETH", "act|SUD", "conf|R");
        }
        assertThat(labeler.label(condition(SNOMED, "5602001"))).extracting(SecurityLabeler.Applied::ruleId).containsExactly("sud-snomed");
    }

    @Test
    void whenARangeBoundaryThenInsideAndOutsideAsTheTabularListSays() {
        assertThat(labels(labeled(condition(ICD10CM, "F09")))).isEmpty();
        assertThat(labels(labeled(condition(ICD10CM, "F20.9")))).containsExactly("act|PSY", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "F99")))).containsExactly("act|PSY", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "O9A.111")))).containsExactly("act|SEX", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "O99.89")))).containsExactly("act|SEX", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "P00.0")))).isEmpty();
        assertThat(labels(labeled(condition(ICD10CM, "Z30.011")))).containsExactly("act|SEX", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "Z31.0")))).isEmpty();
        assertThat(labels(labeled(condition(ICD10CM, "B20")))).containsExactly("act|HIV", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "Z21")))).containsExactly("act|HIV", "conf|R");
        assertThat(labels(labeled(condition(ICD10CM, "B21")))).isEmpty();
        // the same code in another system is another concept
        assertThat(labels(labeled(condition(SNOMED, "F11.20")))).isEmpty();
    }

    private Resource labeled(Resource r) {
        labeler.label(r);
        return r;
    }

    @Test
    void whenEachFamilyMatchesOnItsElementThenItsLabel() {
        Observation hivTest = new Observation().setCode(new CodeableConcept(new Coding(LOINC, "7917-8", null)));
        assertThat(labels(labeled(hivTest))).containsExactly("act|HIV", "conf|R");
        Observation pregnancy = new Observation().setCode(new CodeableConcept(new Coding(LOINC, "82810-3", null)));
        assertThat(labels(labeled(pregnancy))).containsExactly("act|SEX", "conf|R");
        MedicationRequest naltrexone = new MedicationRequest()
                .setMedication(new CodeableConcept(new Coding(RXNORM, "1483744", "naltrexone hydrochloride 50 MG Oral Tablet")));
        assertThat(labels(labeled(naltrexone))).containsExactly("act|ETH", "act|SUD", "conf|R");
        MedicationRequest contained = new MedicationRequest();
        Medication buprenorphine = new Medication().setCode(new CodeableConcept(new Coding(RXNORM, "351267", null)));
        buprenorphine.setId("med");
        contained.addContained(buprenorphine);
        contained.setMedication(new Reference("#med"));
        assertThat(labels(labeled(contained))).containsExactly("act|ETH", "act|SUD", "conf|R");
        Procedure iud = new Procedure().setCode(new CodeableConcept(new Coding(SNOMED, "65200003", null)));
        assertThat(labels(labeled(iud))).containsExactly("act|SEX", "conf|R");
        Encounter byReason = new Encounter();
        byReason.addReasonCode(new CodeableConcept(new Coding(SNOMED, "370143000", null)));
        assertThat(labels(labeled(byReason))).containsExactly("act|PSY", "conf|R");
        Encounter byType = new Encounter();
        byType.addType(new CodeableConcept(new Coding(SNOMED, "60112009", null)));
        assertThat(labels(labeled(byType))).containsExactly("act|ETH", "act|SUD", "conf|R");
        DiagnosticReport sti = new DiagnosticReport().setCode(new CodeableConcept(new Coding(SNOMED, "310861008", null)));
        assertThat(labels(labeled(sti))).containsExactly("act|STD", "conf|R");
    }

    @Test
    void whenSeveralRulesMatchThenEachIsReportedAndNoLabelTwice() {
        Condition both = new Condition().setCode(new CodeableConcept()
                .addCoding(new Coding(ICD10CM, "F11.20", null))
                .addCoding(new Coding(SNOMED, "5602001", null))
                .addCoding(new Coding(ICD10CM, "F32.9", null)));
        List<SecurityLabeler.Applied> applied = labeler.label(both);
        assertThat(applied).extracting(SecurityLabeler.Applied::ruleId).containsExactly("sud-icd10cm", "sud-snomed", "mental-health-icd10cm");
        assertThat(labels(both)).containsExactly("act|ETH", "act|SUD", "conf|R", "act|PSY");
        assertThat(applied.get(0).describe()).isEqualTo("sud-icd10cm: ETH, SUD, R");
    }

    @Test
    void whenTheSourceSentLabelsThenTheyAreKeptAndNotDuplicated() {
        Condition c = condition(ICD10CM, "F11.20");
        c.getMeta().addSecurity(new Coding(ACT, "SUD", "from the source"));
        c.getMeta().addSecurity(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST", null));
        labeler.label(c);
        assertThat(labels(c)).containsExactly("act|SUD", "http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST", "act|ETH", "conf|R");
        assertThat(c.getMeta().getSecurity().get(0).getDisplay()).isEqualTo("from the source");
        // labelled twice (a resend): nothing new
        labeler.label(c);
        assertThat(labels(c)).hasSize(4);
        // a source's label on a resource no rule matches stays as it is
        Condition plain = condition(SNOMED, "44054006");
        plain.getMeta().addSecurity(new Coding(CONF, "V", null));
        assertThat(labeler.label(plain)).isEmpty();
        assertThat(labels(plain)).containsExactly("conf|V");
    }

    @Test
    void whenNoRuleMatchesOrTheTypeIsNotReadThenNothing() {
        assertThat(labeler.label(condition(SNOMED, "44054006"))).isEmpty();
        assertThat(labeler.label(new Condition())).isEmpty();
        org.hl7.fhir.r4.model.AllergyIntolerance allergy = new org.hl7.fhir.r4.model.AllergyIntolerance();
        allergy.setCode(new CodeableConcept(new Coding(ICD10CM, "F11.20", null)));
        assertThat(labeler.label(allergy)).isEmpty();
        assertThat(allergy.getMeta().getSecurity()).isEmpty();
    }

    @Test
    void whenTheRulesFileIsBrokenThenItIsRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String good = """
                {"id":"x","version":"1","confidentiality":{"system":"s","code":"R"},
                 "labels":{"PSY":{"system":"a","code":"PSY"}},"elements":{"Condition":["code"]},
                 "sources":{"src":{}},
                 "rules":[{"id":"r","source":"src","system":"sys","labels":["PSY"],"codes":{"1":"one"}}]}""";
        assertThat(LabelRules.parse(json.readTree(good), "test").rules()).hasSize(1);
        assertThatThrownBy(() -> LabelRules.parse(json.readTree(good.replace("\"labels\":[\"PSY\"]", "\"labels\":[\"XYZ\"]")), "test"))
                .hasMessageContaining("XYZ");
        assertThatThrownBy(() -> LabelRules.parse(json.readTree(good.replace("\"source\":\"src\"", "\"source\":\"nowhere\"")), "test"))
                .hasMessageContaining("nowhere");
        assertThatThrownBy(() -> LabelRules.parse(json.readTree(good.replace("\"codes\":{\"1\":\"one\"}", "\"ranges\":[[\"F20\",\"F10\"]]")), "test"))
                .hasMessageContaining("range");
        assertThatThrownBy(() -> LabelRules.load("/nonexistent/rules.json")).hasMessageContaining("security-label-rules");
    }

    @Test
    void whenTheBundledRulesAreReadThenEveryRuleHasASourceAndAVersion() {
        LabelRules rules = LabelRules.bundled();
        assertThat(rules.version()).isNotBlank();
        assertThat(rules.rules()).extracting(LabelRules.Rule::source).doesNotContainNull();
        assertThat(rules.confidentiality().code()).isEqualTo("R");
    }
}
