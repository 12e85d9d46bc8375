package org.portico.fhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** {@link ScoringMatcher} over stored candidates: who joins a known person and who stays a person of their own. */
class ScoringMatcherTest {

    private static final String MRN_A = "urn:oid:1.2.3.1001";
    private static final String MRN_B = "urn:oid:1.2.3.2002";
    private static final String SSN = "http://hl7.org/fhir/sid/us-ssn";

    private final List<Candidates.Candidate> stored = new ArrayList<>();
    private final ScoringMatcher matcher = new ScoringMatcher(new Candidates() {
        @Override
        public List<Candidate> withIdentifier(String system, String value) {
            return stored.stream().filter(c -> c.record().getIdentifier().stream()
                    .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()))).toList();
        }

        @Override
        public List<Candidate> bornOn(String birthDate) {
            return stored.stream().filter(c -> c.record().getBirthDateElement().getValueAsString().equals(birthDate)).toList();
        }
    }, new MatchScorer(Nicknames.load()));

    private static Patient person(String family, String given, String birthDate, AdministrativeGender gender) {
        Patient p = new Patient();
        p.addName().setFamily(family).addGiven(given);
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
        p.setGender(gender);
        return p;
    }

    private void known(String unified, Patient record) {
        stored.add(new Candidates.Candidate(unified, "a", record));
    }

    @Test
    void whenASharedStrongIdentifierBelongsToOnePersonThenTheRecordIsThatPerson() {
        Patient a = person("Rodriguez", "Ossie", "2014-12-07", AdministrativeGender.FEMALE);
        a.addIdentifier().setSystem(SSN).setValue("999-33-6256");
        known("p1", a);
        // typos in the family name and the birth date do not matter when the SSN matches
        Patient b = person("Rodriguze", "Ossie", "2014-07-12", AdministrativeGender.FEMALE);
        b.addIdentifier().setSystem(SSN).setValue("999-33-6256");
        assertThat(matcher.decide(b, "b")).isInstanceOfSatisfying(PatientMatcher.SamePerson.class,
                same -> assertThat(same.unifiedPatientId()).isEqualTo("p1"));
    }

    @Test
    void whenAnotherSourcesMrnIsCarriedThenItLinksUnlessEverythingElseContradictsIt() {
        Patient a = person("Kris", "Raymon", "1991-09-29", AdministrativeGender.MALE);
        a.addIdentifier().setSystem(MRN_A).setValue("107735435");
        known("p1", a);
        Patient b = person("KRIS", "RAYMON", "1991-09-29", AdministrativeGender.MALE);
        b.addIdentifier().setSystem(MRN_A).setValue("107735435");
        assertThat(matcher.decide(b, "b")).isInstanceOf(PatientMatcher.SamePerson.class);
        // another name, another birth date: a mistyped cross-reference must not merge two people
        Patient contradicted = person("Doe", "Jo", "1990-01-01", AdministrativeGender.MALE);
        contradicted.addIdentifier().setSystem(MRN_A).setValue("107735435");
        assertThat(matcher.decide(contradicted, "b")).isInstanceOf(PatientMatcher.NewPerson.class);
    }

    @Test
    void whenIdentifiersPointAtTwoPeopleThenANewPersonNotAMerge() {
        Patient a1 = person("One", "A", "2000-01-01", AdministrativeGender.MALE);
        a1.addIdentifier().setSystem(SSN).setValue("999-00-0001");
        Patient a2 = person("Two", "B", "2001-01-01", AdministrativeGender.MALE);
        a2.addIdentifier().setSystem(MRN_A).setValue("42");
        known("p1", a1);
        known("p2", a2);
        Patient b = person("One", "A", "2000-01-01", AdministrativeGender.MALE);
        b.addIdentifier().setSystem(SSN).setValue("999-00-0001");
        b.addIdentifier().setSystem(MRN_A).setValue("42");
        assertThat(matcher.decide(b, "b")).isInstanceOf(PatientMatcher.NewPerson.class);
    }

    @Test
    void whenNameBirthDateGenderAndAddressAgreeThenTheRecordIsThatPerson() {
        Patient a = person("Maggio", "Louis", "1976-01-16", AdministrativeGender.MALE);
        a.getNameFirstRep().addGiven("Alan");
        a.addAddress().addLine("747 Stracke Orchard Apt 75").setCity("Milford").setPostalCode("01757");
        known("p1", a);
        // upper case, no middle name, ZIP without its leading zero, no phone
        Patient c = person("MAGGIO", "LOUIS", "1976-01-16", AdministrativeGender.MALE);
        c.addAddress().addLine("747 Stracke Orchard Apt 75").setCity("Milford").setPostalCode("1757");
        assertThat(matcher.decide(c, "c")).isInstanceOfSatisfying(PatientMatcher.SamePerson.class,
                same -> assertThat(same.unifiedPatientId()).isEqualTo("p1"));
    }

    @Test
    void whenOnlyThePhoneOrTheZipAndCityAgreeBesidesNameAndBirthThenLinked() {
        Patient a = person("West", "James", "2016-10-31", AdministrativeGender.FEMALE);
        a.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-478-3538");
        a.addAddress().addLine("1 Old Road").setCity("Braintree").setPostalCode("02184");
        known("p1", a);
        Patient moved = person("West", "James", "2016-10-31", AdministrativeGender.FEMALE);
        moved.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("(555) 478-3538");
        moved.addAddress().addLine("354 Highland Avenue").setCity("Agawam");
        assertThat(matcher.decide(moved, "b")).isInstanceOfSatisfying(PatientMatcher.SamePerson.class,
                same -> assertThat(same.unifiedPatientId()).isEqualTo("p1"));
        Patient reformatted = person("West", "James", "2016-10-31", AdministrativeGender.FEMALE);
        reformatted.addAddress().addLine("1 Old Rd.").setCity("BRAINTREE").setPostalCode("2184");
        assertThat(matcher.decide(reformatted, "c")).isInstanceOf(PatientMatcher.SamePerson.class);
    }

    @Test
    void whenOnlyNameAndBirthDateAgreeThenANewPerson() {
        Patient a = person("Smith", "John", "1980-05-05", AdministrativeGender.MALE);
        a.addAddress().addLine("1 Main St").setCity("Boston");
        known("p1", a);
        Patient other = person("Smith", "John", "1980-05-05", AdministrativeGender.MALE);
        other.addAddress().addLine("9 Elm St").setCity("Springfield");
        // a person of their own, and the operator is asked whether it is p1
        assertThat(matcher.decide(other, "b")).isInstanceOfSatisfying(PatientMatcher.NewPerson.class,
                p -> assertThat(p.review()).containsExactly("p1"));
    }

    @Test
    void whenStrongIdentifiersContradictThenDemographicsDoNotLink() {
        Patient a = person("Smith", "John", "1980-05-05", AdministrativeGender.MALE);
        a.addIdentifier().setSystem(SSN).setValue("999-11-1111");
        a.addAddress().addLine("1 Main St").setCity("Boston");
        known("p1", a);
        Patient twin = person("Smith", "John", "1980-05-05", AdministrativeGender.MALE);
        twin.addIdentifier().setSystem(SSN).setValue("999-22-2222");
        twin.addAddress().addLine("1 Main St").setCity("Boston");
        assertThat(matcher.decide(twin, "b")).isInstanceOf(PatientMatcher.NewPerson.class);
    }

    @Test
    void whenGenderDiffersThenANewPerson() {
        Patient a = person("Lee", "Sam", "1999-09-09", AdministrativeGender.MALE);
        a.addAddress().addLine("1 Main St").setCity("Boston");
        known("p1", a);
        Patient b = person("Lee", "Sam", "1999-09-09", AdministrativeGender.FEMALE);
        b.addAddress().addLine("1 Main St").setCity("Boston");
        assertThat(matcher.decide(b, "b")).isInstanceOf(PatientMatcher.NewPerson.class);
    }

    @Test
    void whenTwoPeopleFitTheDemographicsThenANewPersonNotAMerge() {
        for (String unified : List.of("p1", "p2")) {
            Patient a = person("Lee", "Sam", "1999-09-09", AdministrativeGender.MALE);
            a.addAddress().addLine("1 Main St").setCity("Boston");
            known(unified, a);
        }
        Patient b = person("Lee", "Sam", "1999-09-09", AdministrativeGender.MALE);
        b.addAddress().addLine("1 Main St").setCity("Boston");
        assertThat(matcher.decide(b, "b")).isInstanceOfSatisfying(PatientMatcher.NewPerson.class,
                p -> assertThat(p.review()).containsExactlyInAnyOrder("p1", "p2"));
    }

    @Test
    void whenNothingComesCloseThenNobodyIsAskedAbout() {
        known("p1", person("Lee", "Sam", "1999-09-09", AdministrativeGender.MALE));
        assertThat(matcher.decide(person("Okafor", "Ada", "1999-09-09", AdministrativeGender.FEMALE), "b"))
                .isInstanceOfSatisfying(PatientMatcher.NewPerson.class, p -> assertThat(p.review()).isEmpty());
    }

}
