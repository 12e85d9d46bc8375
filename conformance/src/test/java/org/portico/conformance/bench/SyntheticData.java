package org.portico.conformance.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The benchmark's data: US Core shaped patients made from a seed, as FHIR transaction bundles. The
 * same seed gives the same bundles, byte for byte, and patient {@code i} does not depend on the number
 * of patients: a larger data set is a smaller one plus more patients, so one server pair can be measured
 * at a small size, loaded further, and measured again.
 *
 * <p>A {@link #directoryBundle directory} of Organizations, Practitioners and Locations comes first;
 * then one bundle per patient: the Patient, 1-6 Encounters (a Practitioner, a Location, the
 * Organization), per Encounter 2-5 vital signs (blood pressure with its two components among them) and
 * 0-6 laboratory Observations (LOINC, UCUM), 1-6 Conditions (SNOMED; problem list or encounter
 * diagnosis), 0-6 MedicationRequests (RxNorm; intent {@code order}, a few {@code plan}). Every entry is
 * a {@code PUT} with the id it is given here, so that both servers hold the same ids and a resend
 * changes nothing. {@link #ingestBundle} makes the extra 50-resource patients of the ingest workload.
 */
public final class SyntheticData {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final LocalDate TODAY = LocalDate.of(2026, 1, 1);
    private static final String LOINC = "http://loinc.org";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static final String[] FAMILY = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Nguyen", "Clark", "Lewis"};
    private static final String[] GIVEN_F = {"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Maria", "Susan",
        "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Ana", "Emily", "Sofia"};
    private static final String[] GIVEN_M = {"James", "Robert", "John", "Michael", "David", "William", "Richard",
        "Joseph", "Carlos", "Daniel", "Matthew", "Anthony", "Mark", "Jose", "Kevin"};
    private static final String[][] CITIES = {{"Boston", "MA", "02108"}, {"Springfield", "IL", "62701"},
        {"Austin", "TX", "73301"}, {"Denver", "CO", "80202"}, {"Seattle", "WA", "98101"}, {"Miami", "FL", "33101"}};

    /** LOINC code, display, UCUM unit, low, high. */
    private record Lab(String code, String display, String unit, double low, double high) {}

    private static final Lab[] LABS = {
        new Lab("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 65, 180),
        new Lab("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 10, 17),
        new Lab("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.5, 1.6),
        new Lab("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 133, 146),
        new Lab("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.4, 5.3),
        new Lab("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 140, 260),
        new Lab("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 4.5, 9.5),
        new Lab("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 3.5, 11)};
    private static final Lab[] VITALS = {
        new Lab("8867-4", "Heart rate", "/min", 55, 110),
        new Lab("9279-1", "Respiratory rate", "/min", 12, 22),
        new Lab("8310-5", "Body temperature", "Cel", 36.1, 38.2),
        new Lab("29463-7", "Body weight", "kg", 45, 120),
        new Lab("8302-2", "Body height", "cm", 150, 195),
        new Lab("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", 91, 100)};
    private static final String[][] CONDITIONS = {{"44054006", "Diabetes mellitus type 2"},
        {"38341003", "Hypertensive disorder"}, {"195967001", "Asthma"}, {"55822004", "Hyperlipidemia"},
        {"40055000", "Chronic sinusitis"}, {"10509002", "Acute bronchitis"}, {"35489007", "Depressive disorder"},
        {"68496003", "Polyp of colon"}, {"162864005", "Body mass index 30+ - obesity"}, {"444814009", "Viral sinusitis"}};
    private static final String[][] MEDICATIONS = {{"860975", "metformin hydrochloride 500 MG Oral Tablet"},
        {"314076", "lisinopril 10 MG Oral Tablet"}, {"617312", "atorvastatin 10 MG Oral Tablet"},
        {"745679", "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"}, {"308136", "amlodipine 2.5 MG Oral Tablet"},
        {"312961", "simvastatin 20 MG Oral Tablet"}, {"197361", "amlodipine 5 MG Oral Tablet"}};
    private static final String[][] ENCOUNTER_TYPES = {{"185349003", "Encounter for check up"},
        {"390906007", "Follow-up encounter"}, {"185345009", "Encounter for symptom"}, {"162673000", "General examination of patient"}};

    private final long seed;
    private final int patients;

    /** What one patient holds: the number of resources of each kind, and its directory entries. */
    public record PatientPlan(int index, String id, int encounters, int observations, int conditions,
                              int medicationRequests, int resources) {}

    public SyntheticData(long seed, int patients) {
        if (patients < 1) {
            throw new IllegalArgumentException("at least one patient");
        }
        this.seed = seed;
        this.patients = patients;
    }

    public int patients() {
        return patients;
    }

    /** The directory has a fixed size, so that a patient's references do not depend on the number of patients. */
    public int organizations() {
        return 10;
    }

    public int practitioners() {
        return 100;
    }

    public int locations() {
        return 20;
    }

    public int directoryResources() {
        return organizations() + practitioners() + locations();
    }

    public static String patientId(int index) {
        return "bp" + index;
    }

    public static String observationId(int patient, int k) {
        return patientId(patient) + "-obs" + k;
    }

    /** The directory as one transaction bundle (JSON), loaded before the patients. */
    public String directoryBundle() {
        Bundle bundle = transaction();
        for (int i = 0; i < organizations(); i++) {
            Organization o = new Organization();
            o.setId("borg" + i);
            o.setActive(true);
            o.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(String.format(Locale.ROOT, "19%08d", i));
            o.setName("Bench Health System " + i);
            o.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-010-" + String.format(Locale.ROOT, "%04d", i));
            o.addAddress(address(new SplittableRandom(seed ^ (0x5A5AL + i))));
            put(bundle, o);
        }
        for (int i = 0; i < practitioners(); i++) {
            SplittableRandom r = new SplittableRandom(seed ^ (0xA5A5L + i));
            Practitioner p = new Practitioner();
            p.setId("bpract" + i);
            p.setActive(true);
            p.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(String.format(Locale.ROOT, "29%08d", i));
            boolean female = r.nextBoolean();
            p.addName().setFamily(pick(r, FAMILY)).addGiven(pick(r, female ? GIVEN_F : GIVEN_M)).addPrefix("Dr.");
            p.setGender(female ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
            put(bundle, p);
        }
        for (int i = 0; i < locations(); i++) {
            Location l = new Location();
            l.setId("bloc" + i);
            l.setStatus(Location.LocationStatus.ACTIVE);
            l.setName("Bench Clinic " + i);
            l.setAddress(address(new SplittableRandom(seed ^ (0x3C3CL + i))));
            l.setManagingOrganization(new Reference("Organization/borg" + (i % organizations())));
            put(bundle, l);
        }
        return json(bundle);
    }

    /** The counts of patient {@code index} (cheap: no resources are made). */
    public PatientPlan plan(int index) {
        Shape shape = shape(random(index));
        int observations = 0;
        for (int e = 0; e < shape.vitals().length; e++) {
            observations += shape.vitals()[e] + shape.labs()[e];
        }
        int encounters = shape.vitals().length;
        return new PatientPlan(index, patientId(index), encounters, observations, shape.conditions(), shape.meds(),
                1 + encounters + observations + shape.conditions() + shape.meds());
    }

    /** Per Encounter the number of vital signs and of laboratory results; the Conditions and MedicationRequests. */
    private record Shape(int[] vitals, int[] labs, int conditions, int meds) {}

    /** The first draws of a patient's stream: its shape; the resources' contents come from the draws after. */
    private static Shape shape(SplittableRandom r) {
        int encounters = 1 + r.nextInt(6);
        int[] vitals = new int[encounters];
        int[] labs = new int[encounters];
        for (int e = 0; e < encounters; e++) {
            vitals[e] = 2 + r.nextInt(4);
            labs[e] = r.nextInt(7);
        }
        return new Shape(vitals, labs, 1 + r.nextInt(6), r.nextInt(7));
    }

    /** Patient {@code index} with all its resources, as one transaction bundle (JSON). */
    public String patientBundle(int index) {
        SplittableRandom r = random(index);
        Shape shape = shape(r);
        return json(build(index, r, shape.vitals(), shape.labs(), shape.conditions(), shape.meds()));
    }

    /**
     * A patient outside any data set (index {@value #INGEST_FIRST} + {@code number}) with exactly 50
     * resources: the Patient, 4 Encounters of 5 vital signs and 5 laboratory results each, 3 Conditions,
     * 2 MedicationRequests.
     */
    public String ingestBundle(int number) {
        int index = INGEST_FIRST + number;
        return json(build(index, random(index), new int[] {5, 5, 5, 5}, new int[] {5, 5, 5, 5}, 3, 2));
    }

    public static final int INGEST_BUNDLE_RESOURCES = 50;
    /** Above the largest data set the generator is meant for (100,000 patients). */
    public static final int INGEST_FIRST = 10_000_000;

    private Bundle build(int index, SplittableRandom r, int[] vitals, int[] labs, int conditions, int meds) {
        Bundle bundle = transaction();
        String pid = patientId(index);
        Reference subject = new Reference("Patient/" + pid);
        boolean female = r.nextBoolean();
        LocalDate birth = TODAY.minusDays(365L * 2 + r.nextInt(365 * 85));
        Patient patient = new Patient();
        patient.setId(pid);
        patient.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.4.3.25").setValue(String.format(Locale.ROOT, "MRN%08d", index))
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");
        HumanName name = patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(pick(r, FAMILY))
                .addGiven(pick(r, female ? GIVEN_F : GIVEN_M));
        if (r.nextInt(3) == 0) {
            name.addGiven(pick(r, female ? GIVEN_F : GIVEN_M));
        }
        patient.setGender(female ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
        patient.setBirthDateElement(new DateType(birth.toString()));
        patient.addAddress(address(r));
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.HOME)
                .setValue(String.format(Locale.ROOT, "555-%03d-%04d", r.nextInt(1000), r.nextInt(10000)));
        patient.addCommunication().setLanguage(new CodeableConcept(new Coding("urn:ietf:bcp:47",
                r.nextInt(5) == 0 ? "es" : "en", null)));
        String org = "Organization/borg" + r.nextInt(organizations());
        patient.setManagingOrganization(new Reference(org));
        patient.addGeneralPractitioner(new Reference("Practitioner/bpract" + r.nextInt(practitioners())));
        put(bundle, patient);

        int obs = 0;
        List<String> encounterIds = new ArrayList<>();
        for (int e = 0; e < vitals.length; e++) {
            LocalDate day = TODAY.minusDays(1 + r.nextInt(3 * 365));
            String practitioner = "Practitioner/bpract" + r.nextInt(practitioners());
            Encounter encounter = new Encounter();
            encounter.setId(pid + "-enc" + e);
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
            encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
            String[] type = pick(r, ENCOUNTER_TYPES);
            encounter.addType(concept(SNOMED, type[0], type[1]));
            encounter.setSubject(subject);
            encounter.addParticipant().setIndividual(new Reference(practitioner));
            encounter.setPeriod(new Period().setStartElement(dateTime(day, 9)).setEndElement(dateTime(day, 10)));
            encounter.addLocation().setLocation(new Reference("Location/bloc" + r.nextInt(locations())));
            encounter.setServiceProvider(new Reference(org));
            put(bundle, encounter);
            encounterIds.add(encounter.getId());
            Reference encounterRef = new Reference("Encounter/" + encounter.getId());
            for (int v = 0; v < vitals[e]; v++) {
                Observation o = observation(observationId(index, obs++), "vital-signs", "Vital Signs", subject, encounterRef, day);
                if (v == 0) {
                    o.setCode(concept(LOINC, "85354-9", "Blood pressure panel with all children optional"));
                    o.addComponent().setCode(concept(LOINC, "8480-6", "Systolic blood pressure"))
                            .setValue(quantity(100 + r.nextInt(60), "mm[Hg]"));
                    o.addComponent().setCode(concept(LOINC, "8462-4", "Diastolic blood pressure"))
                            .setValue(quantity(60 + r.nextInt(35), "mm[Hg]"));
                } else {
                    Lab vital = pick(r, VITALS);
                    o.setCode(concept(LOINC, vital.code(), vital.display()));
                    o.setValue(quantity(value(r, vital), vital.unit()));
                }
                put(bundle, o);
            }
            for (int l = 0; l < labs[e]; l++) {
                Lab lab = pick(r, LABS);
                Observation o = observation(observationId(index, obs++), "laboratory", "Laboratory", subject, encounterRef, day);
                o.setCode(concept(LOINC, lab.code(), lab.display()));
                o.setValue(quantity(value(r, lab), lab.unit()));
                o.addPerformer(new Reference(org));
                put(bundle, o);
            }
        }
        for (int c = 0; c < conditions; c++) {
            String[] code = pick(r, CONDITIONS);
            Condition condition = new Condition();
            condition.setId(pid + "-cond" + c);
            boolean active = r.nextInt(4) != 0;
            condition.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical",
                    active ? "active" : "resolved", active ? "Active" : "Resolved"));
            condition.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"));
            boolean problem = r.nextBoolean();
            condition.addCategory(concept("http://terminology.hl7.org/CodeSystem/condition-category",
                    problem ? "problem-list-item" : "encounter-diagnosis", problem ? "Problem List Item" : "Encounter Diagnosis"));
            condition.setCode(concept(SNOMED, code[0], code[1]));
            condition.setSubject(subject);
            if (!problem) {
                condition.setEncounter(new Reference("Encounter/" + encounterIds.get(r.nextInt(encounterIds.size()))));
            }
            condition.setOnset(dateTime(birth.plusDays(r.nextInt((int) (TODAY.toEpochDay() - birth.toEpochDay()))), 9));
            condition.setRecordedDateElement(dateTime(TODAY.minusDays(r.nextInt(3 * 365)), 9));
            condition.setRecorder(new Reference("Practitioner/bpract" + r.nextInt(practitioners())));
            put(bundle, condition);
        }
        for (int m = 0; m < meds; m++) {
            String[] drug = pick(r, MEDICATIONS);
            MedicationRequest request = new MedicationRequest();
            request.setId(pid + "-med" + m);
            request.setStatus(r.nextInt(3) == 0 ? MedicationRequest.MedicationRequestStatus.COMPLETED
                    : MedicationRequest.MedicationRequestStatus.ACTIVE);
            request.setIntent(r.nextInt(5) == 0 ? MedicationRequest.MedicationRequestIntent.PLAN
                    : MedicationRequest.MedicationRequestIntent.ORDER);
            request.setMedication(concept(RXNORM, drug[0], drug[1]));
            request.setSubject(subject);
            request.setEncounter(new Reference("Encounter/" + encounterIds.get(r.nextInt(encounterIds.size()))));
            request.setAuthoredOnElement(dateTime(TODAY.minusDays(r.nextInt(3 * 365)), 9));
            request.setRequester(new Reference("Practitioner/bpract" + r.nextInt(practitioners())));
            request.addDosageInstruction().setText("1 tablet by mouth " + (1 + r.nextInt(3)) + " times a day");
            put(bundle, request);
        }
        return bundle;
    }

    private static Observation observation(String id, String category, String display, Reference subject,
            Reference encounter, LocalDate day) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(concept(OBS_CATEGORY, category, display));
        o.setSubject(subject);
        o.setEncounter(encounter);
        o.setEffective(dateTime(day, 9));
        o.setIssuedElement(new InstantType(day + "T11:00:00Z"));
        return o;
    }

    private SplittableRandom random(int index) {
        // a patient's stream depends on the seed and its index only (SplittableRandom mixes the value)
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    private static Bundle transaction() {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.TRANSACTION);
        return bundle;
    }

    private static void put(Bundle bundle, Resource resource) {
        String type = resource.fhirType();
        String url = type + "/" + resource.getIdElement().getIdPart();
        bundle.addEntry().setFullUrl(url).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
    }

    private static Address address(SplittableRandom r) {
        String[] city = pick(r, CITIES);
        return new Address().addLine((1 + r.nextInt(9999)) + " " + pick(r, FAMILY) + " Street")
                .setCity(city[0]).setState(city[1]).setPostalCode(city[2]).setCountry("US");
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display)).setText(display);
    }

    private static Quantity quantity(double value, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit);
    }

    private static double value(SplittableRandom r, Lab lab) {
        return Math.round((lab.low() + r.nextDouble() * (lab.high() - lab.low())) * 10) / 10.0;
    }

    /** A UTC time of that day, spelled out so that the bundles do not depend on the JVM's time zone. */
    private static DateTimeType dateTime(LocalDate day, int hour) {
        return new DateTimeType(String.format(Locale.ROOT, "%sT%02d:30:00Z", day, hour));
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String json(Bundle bundle) {
        IParser parser = FHIR.newJsonParser();
        return parser.encodeResourceToString(bundle);
    }
}
