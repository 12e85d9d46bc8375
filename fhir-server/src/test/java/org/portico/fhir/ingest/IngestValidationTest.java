package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.io.IOException;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IngestValidation} over the US Core 7 package the server installs (read here from the
 * classpath, as the server's validation support reads it from its database): which profile a resource
 * is checked against, and that a broken resource is named with the rule it breaks.
 */
class IngestValidationTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static IngestValidation validation;
    private static ca.uhn.fhir.context.support.IValidationSupport support;

    @BeforeAll
    static void validator() throws IOException {
        NpmPackageValidationSupport usCore = new NpmPackageValidationSupport(FHIR);
        usCore.loadPackageFromClasspath("classpath:portico/ig/packages/hl7.fhir.us.core-7.0.0.tgz");
        ValidationSupportChain chain = new ValidationSupportChain(usCore, new DefaultProfileValidationSupport(FHIR),
                new SnapshotGeneratingValidationSupport(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR));
        support = chain;
        validation = new IngestValidation(FHIR, chain, IngestValidation.Mode.REJECT);
    }

    @Test
    void whenAResourceClaimsNoProfileThenItsTypesUsCoreProfileIsUsed() {
        assertThat(IngestValidation.profile(new Patient())).endsWith("/us-core-patient");
        Observation vital = new Observation();
        vital.addCategory().addCoding().setCode("vital-signs");
        assertThat(IngestValidation.profile(vital)).endsWith("/us-core-vital-signs");
        Observation lab = new Observation();
        lab.addCategory().addCoding().setCode("laboratory");
        assertThat(IngestValidation.profile(lab)).endsWith("/us-core-observation-lab");
        assertThat(IngestValidation.profile(new org.hl7.fhir.r4.model.Basic())).isNull();
    }

    @Test
    void whenTheSampleDataIsValidatedThenEachFindingNamesTheEntryTheProfileAndWhere() throws Exception {
        // the synthetic sample breaks a few US Core rules (made-up NPIs fail the Luhn check, a CarePlan
        // without the assess-plan category...): why the default is accept-with-warnings
        IngestUnit cold = IngestUnit.ofBundle(FHIR, IngestIT.bundle("ehr-a", 0));
        long start = System.nanoTime();
        validation.validate(cold, e -> e.resource().getIdElement().getIdPart());
        double coldSeconds = (System.nanoTime() - start) / 1e9;
        IngestUnit unit = IngestUnit.ofBundle(FHIR, IngestIT.bundle("ehr-a", 1));
        start = System.nanoTime();
        List<IngestValidation.Finding> findings = validation.validate(unit, e -> e.resource().getIdElement().getIdPart());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("US Core validation: first unit %d resources in %.2f s (cold); next unit %d resources in %.2f s = %.0f resources/s%n",
                cold.entries().size(), coldSeconds, unit.entries().size(), seconds, unit.entries().size() / seconds);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.label()).startsWith("Bundle.entry[");
            assertThat(f.sourceId()).isNotBlank();
            assertThat(f.profile()).startsWith(IngestValidation.US_CORE);
            assertThat(f.location()).isNotBlank();
            assertThat(f.text()).contains(f.location()).contains(f.message());
        });
    }

    /**
     * A unit is validated in one call, as the entries of one Bundle (a validator instance per resource cost
     * two thirds of the ingest's CPU): it must say exactly what validating each resource alone says, on the
     * multi-EHR sample, the demo records and the US Core examples (which hold resources of every profile).
     */
    @Test
    void whenAUnitIsValidatedAtOnceThenTheFindingsAreThoseOfEachResourceAlone() throws Exception {
        List<String> bodies = new java.util.ArrayList<>(List.of(IngestIT.bundle("ehr-a", 2), IngestIT.bundle("ehr-b", 3)));
        for (String directory : List.of("../demo/fhir", "../demo/us-core")) {
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(directory))) {
                for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    bodies.add(java.nio.file.Files.readString(file));
                }
            }
        }
        int resources = 0;
        int findings = 0;
        long together = 0;
        for (String body : bodies) {
            IngestUnit unit = IngestUnit.ofBundle(FHIR, body);
            // a fresh validator each time: nothing kept from an earlier call
            IngestValidation fresh = new IngestValidation(FHIR, support, IngestValidation.Mode.REJECT);
            List<String> alone = render(fresh.validateEachAlone(unit, e -> e.label()));
            List<String> atOnce = render(fresh.validate(unit, e -> e.label()));
            assertThat(atOnce).as("findings of a unit of %d resources", unit.entries().size()).isEqualTo(alone);
            // and the second time from what was kept
            assertThat(render(fresh.validate(unit, e -> e.label()))).isEqualTo(alone);
            resources += unit.entries().size();
            findings += alone.size();
            together += fresh.validatedTogether.get();
        }
        assertThat(resources).isGreaterThan(300);
        assertThat(findings).isGreaterThan(10);
        // most in shared calls (not those without a US Core profile, nor those claiming one the validator does not know)
        assertThat(together).isGreaterThan(resources / 2L);
    }

    private static List<String> render(List<IngestValidation.Finding> findings) {
        return findings.stream().map(f -> f.label() + " " + f.sourceId() + " " + f.text()).sorted().toList();
    }

    @Test
    void whenAPatientLacksWhatUsCoreRequiresThenTheFindingNamesTheEntryAndTheRule() throws IOException {
        Patient patient = new Patient();
        patient.setId("no-name");
        patient.addIdentifier().setSystem("urn:x").setValue("1");
        patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
        IngestUnit unit = new IngestUnit(List.of(new IngestUnit.Entry("Bundle.entry[0]", null, patient)), List.of());
        List<IngestValidation.Finding> findings = validation.validate(unit, e -> "no-name");
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.error()).isTrue();
            assertThat(f.label()).isEqualTo("Bundle.entry[0]");
            assertThat(f.sourceId()).isEqualTo("no-name");
            assertThat(f.profile()).endsWith("us-core-patient");
            assertThat(f.text()).contains("Patient.name");
        });
    }

    @Test
    void whenOffThenNothingIsChecked() {
        IngestValidation off = new IngestValidation(FHIR, new DefaultProfileValidationSupport(FHIR), IngestValidation.Mode.OFF);
        IngestUnit unit = new IngestUnit(List.of(new IngestUnit.Entry("line 1", null, new Patient())), List.of());
        assertThat(off.validate(unit, e -> null)).isEmpty();
        assertThat(IngestValidation.Mode.of("accept-with-warnings")).isEqualTo(IngestValidation.Mode.ACCEPT_WITH_WARNINGS);
    }
}
