package org.portico.conformance.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void whenTheSeedIsTheSameThenTheBundlesAreTheSame() {
        SyntheticData a = new SyntheticData(42, 100);
        SyntheticData b = new SyntheticData(42, 100);
        assertThat(a.directoryBundle()).isEqualTo(b.directoryBundle());
        for (int i = 0; i < 20; i++) {
            assertThat(a.patientBundle(i)).isEqualTo(b.patientBundle(i));
        }
        assertThat(a.ingestBundle(3)).isEqualTo(b.ingestBundle(3));
    }

    @Test
    void whenTheSeedDiffersThenTheBundlesDiffer() {
        assertThat(new SyntheticData(1, 100).patientBundle(7)).isNotEqualTo(new SyntheticData(2, 100).patientBundle(7));
    }

    @Test
    void whenTheDataSetGrowsThenItsFirstPatientsStayTheSame() {
        assertThat(new SyntheticData(42, 100).patientBundle(5)).isEqualTo(new SyntheticData(42, 5000).patientBundle(5));
        assertThat(new SyntheticData(42, 100).directoryBundle()).isEqualTo(new SyntheticData(42, 5000).directoryBundle());
    }

    @Test
    void whenAPatientIsPlannedThenItsBundleHoldsThatManyResources() {
        SyntheticData data = new SyntheticData(42, 100);
        for (int i = 0; i < 20; i++) {
            Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, data.patientBundle(i));
            SyntheticData.PatientPlan plan = data.plan(i);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            assertThat(bundle.getEntry()).hasSize(plan.resources());
            assertThat(bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals("Observation")))
                    .hasSize(plan.observations());
            assertThat(bundle.getEntry()).allSatisfy(e -> assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT));
        }
    }

    @Test
    void whenAnIngestBundleIsMadeThenItHoldsFiftyResourcesOfANewPatient() {
        SyntheticData data = new SyntheticData(42, 100);
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, data.ingestBundle(0));
        assertThat(bundle.getEntry()).hasSize(SyntheticData.INGEST_BUNDLE_RESOURCES);
        assertThat(bundle.getEntry().get(0).getRequest().getUrl()).isEqualTo("Patient/" + SyntheticData.patientId(SyntheticData.INGEST_FIRST));
    }
}
