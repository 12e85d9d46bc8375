package org.portico.auth.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.portico.auth.enrolment.DemographicMatch.Claim;
import org.portico.auth.enrolment.DemographicMatch.Factor;

class DemographicMatchTest {

    static final PatientRecord JOSE = new PatientRecord("p1", List.of("José", "Luis"), "García", "1980-02-03",
            List.of("MRN-123"), List.of("+1 (555) 010-4321"), List.of("jose@example.org"));
    static final PatientRecord OTHER = new PatientRecord("p2", List.of("Ana"), "García", "1980-02-03",
            List.of("MRN-999"), List.of(), List.of());

    static Claim claim(String given, String family, String birthDate, Factor factor, String value) {
        return new Claim(given, family, birthDate, factor, value);
    }

    @Test
    void whenNameBirthDateAndMrnFitThenThatRecordIgnoringCaseAccentsAndSpaces() {
        assertThat(DemographicMatch.single(claim(" jose ", "GARCIA", "1980-02-03", Factor.MRN, "mrn-123"), List.of(JOSE, OTHER)))
                .contains(JOSE);
        assertThat(DemographicMatch.single(claim("José Luis", "García", "1980-02-03", Factor.MRN, "MRN-123"), List.of(JOSE))).contains(JOSE);
    }

    @Test
    void whenPhoneLastFourOrEmailFitThenThatRecord() {
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.PHONE_LAST4, "4321"), List.of(JOSE))).contains(JOSE);
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.EMAIL, "JOSE@example.org"), List.of(JOSE)))
                .contains(JOSE);
    }

    @Test
    void whenAnyFactIsWrongOrMissingThenNoMatch() {
        List<PatientRecord> both = List.of(JOSE, OTHER);
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-04", Factor.MRN, "MRN-123"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("Jose", "Garcias", "1980-02-03", Factor.MRN, "MRN-123"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("Pedro", "García", "1980-02-03", Factor.MRN, "MRN-123"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.MRN, "MRN-999"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.PHONE_LAST4, "321"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.EMAIL, "other@example.org"), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("Ana", "García", "1980-02-03", Factor.EMAIL, ""), both)).isEmpty();
        assertThat(DemographicMatch.single(claim("", "García", "1980-02-03", Factor.MRN, "MRN-123"), both)).isEmpty();
    }

    @Test
    void whenTwoRecordsFitThenNoMatch() {
        PatientRecord copy = new PatientRecord("p3", JOSE.given(), JOSE.family(), JOSE.birthDate(), JOSE.identifiers(), List.of(), List.of());
        assertThat(DemographicMatch.single(claim("José", "García", "1980-02-03", Factor.MRN, "MRN-123"), List.of(JOSE, copy))).isEmpty();
    }

    @Test
    void whenFactorIsUnknownThenNone() {
        assertThat(Factor.of("ssn")).isEmpty();
        assertThat(Factor.of(null)).isEmpty();
        assertThat(Factor.of("phone")).contains(Factor.PHONE_LAST4);
    }
}
