package org.portico.fhir.matching;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The matcher against the ground truth of the multi-EHR sample ({@code fhir-multi-ehr/manifest.json}: ten
 * people, 20 records in three EHRs) and against records it has not seen: seeded variations of those
 * people (how registrations differ) that must still link, and look-alikes (a twin, a spouse, a namesake,
 * a parent with the same name, a conflicting SSN) that must never link.
 */
class MatchScorerTest {

    static final String DATA = "ingest/fhir-multi-ehr/";
    static final MatchScorer SCORER = new MatchScorer(Nicknames.load());

    /** One source record: who it really is (manifest), which source, the Patient. */
    record Source(String person, String source, Patient patient, Set<String> ownSystems) {
        PersonRecord record() {
            return PersonRecord.of(patient, ownSystems);
        }
    }

    static final List<Source> records = new ArrayList<>();

    @BeforeAll
    static void readSample() throws IOException {
        IParser parser = FhirContext.forR4Cached().newJsonParser();
        JsonNode manifest = json(DATA + "manifest.json");
        Map<String, Set<String>> ownSystems = new LinkedHashMap<>();
        manifest.path("sources").fields().forEachRemaining(e -> ownSystems.put(e.getKey(),
                Set.of(e.getValue().path("mrn_system").asText(), e.getValue().path("record_id_system").asText())));
        for (JsonNode person : manifest.path("patients")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = person.path("records").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                try (InputStream in = resource(DATA + entry.getValue().path("file").asText())) {
                    Bundle bundle = parser.parseResource(Bundle.class, in);
                    Patient patient = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                            .filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
                    records.add(new Source(person.path("synthea_id").asText(), entry.getKey(), patient, ownSystems.get(entry.getKey())));
                }
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void whenTheSampleIsComparedPairwiseThenEveryPersonLinksAndNoTwoPeopleDo() {
        int same = 0;
        int different = 0;
        for (int i = 0; i < records.size(); i++) {
            for (int j = i + 1; j < records.size(); j++) {
                Source a = records.get(i);
                Source b = records.get(j);
                if (a.source().equals(b.source())) {
                    continue;
                }
                Match match = SCORER.compare(a.record(), b.record());
                if (a.person().equals(b.person())) {
                    same++;
                    // B and C both hold variations of A; between themselves they may share only name and birth date
                    if (a.source().equals("ehr-a") || b.source().equals("ehr-a")) {
                        assertThat(match.decision()).as(a.source() + " vs " + b.source() + ": " + match).isEqualTo(MatchDecision.LINK);
                    } else {
                        assertThat(match.decision()).as(match.toString()).isNotEqualTo(MatchDecision.DISTINCT);
                    }
                } else {
                    different++;
                    assertThat(match.decision()).as(a.person() + " vs " + b.person() + ": " + match).isEqualTo(MatchDecision.DISTINCT);
                }
            }
        }
        assertThat(same).isGreaterThanOrEqualTo(10);
        assertThat(different).isGreaterThan(100);
    }

    @Test
    void whenRegistrationsDifferAsTheyDoInRealLifeThenTheSamePersonStillLinks() {
        Random random = new Random(20261127);
        int linked = 0;
        int review = 0;
        for (Source original : records.stream().filter(r -> r.source().equals("ehr-a")).toList()) {
            for (int round = 0; round < 40; round++) {
                Patient copy = original.patient().copy();
                List<String> applied = new ArrayList<>();
                // a second registration: often a move, then up to two of the usual differences
                if (random.nextBoolean()) {
                    applied.add(Variation.MOVED.apply(copy, random));
                }
                List<Variation> kinds = new ArrayList<>(List.of(Variation.NAME_KINDS));
                java.util.Collections.shuffle(kinds, random);
                for (Variation kind : kinds.subList(0, random.nextInt(3))) {
                    applied.add(kind.apply(copy, random));
                }
                Match match = SCORER.compare(original.record(), PersonRecord.of(copy, Set.of()));
                boolean corroborated = !copy.getIdentifier().isEmpty() || !copy.getTelecom().isEmpty()
                        || !applied.contains("moved");
                assertThat(match.decision()).as(applied + " -> " + match).isNotEqualTo(MatchDecision.DISTINCT);
                if (corroborated) {
                    assertThat(match.decision()).as(applied + " -> " + match).isEqualTo(MatchDecision.LINK);
                }
                if (match.decision() == MatchDecision.LINK) {
                    linked++;
                } else {
                    review++;
                }
            }
        }
        assertThat(linked).isGreaterThan(review * 5);
    }

    @Test
    void whenSomeoneElseLooksAlikeThenTheyAreNeverLinked() {
        for (Source original : records.stream().filter(r -> r.source().equals("ehr-a")).toList()) {
            PersonRecord person = original.record();
            Patient base = original.patient();

            Patient twin = base.copy();
            twin.getNameFirstRep().getGiven().set(0, new StringType(person.givens().get(0).equals("alex") ? "Jordan" : "Alex"));
            assertNotLinked("twin", person, twin);

            Patient spouse = base.copy();
            spouse.getNameFirstRep().getGiven().set(0, new StringType("Morgan"));
            spouse.setBirthDate(java.sql.Date.valueOf(LocalDate.of(1950, 3, 3)));
            spouse.setGender(base.getGender() == AdministrativeGender.MALE ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
            spouse.getIdentifier().clear();
            assertNotLinked("spouse", person, spouse);

            Patient parentOfSameName = base.copy();
            parentOfSameName.setBirthDate(java.sql.Date.valueOf(LocalDate.of(1941, 9, 21)));
            parentOfSameName.getIdentifier().clear();
            assertNotLinked("parent with the same name", person, parentOfSameName);

            Patient namesake = new Patient();
            namesake.addName(base.getNameFirstRep().copy());
            namesake.setBirthDateElement(base.getBirthDateElement().copy());
            namesake.setGender(base.getGender());
            namesake.addAddress().addLine("1 Elsewhere Road").setPostalCode("99501");
            assertNotLinked("namesake born the same day", person, namesake);

            Patient otherSsn = base.copy();
            otherSsn.getIdentifier().stream().filter(id -> "http://hl7.org/fhir/sid/us-ssn".equals(id.getSystem()))
                    .forEach(id -> id.setValue("999-00-0000"));
            if (!person.identifiers().isEmpty()) {
                Match match = SCORER.compare(person, PersonRecord.of(otherSsn, Set.of()));
                assertThat(match.decision()).as("another SSN: " + match).isNotEqualTo(MatchDecision.LINK);
            }
        }
    }

    private static void assertNotLinked(String who, PersonRecord person, Patient other) {
        Match match = SCORER.compare(person, PersonRecord.of(other, Set.of()));
        assertThat(match.decision()).as(who + ": " + match).isNotEqualTo(MatchDecision.LINK);
    }

    @Test
    void whenDatesNamesAndCodesAreWrittenDifferentlyThenTheyStillAgree() {
        assertThat(MatchScorer.birthDate(LocalDate.of(2014, 12, 7), LocalDate.of(2014, 7, 12))).isEqualTo(MatchScorer.Level.CLOSE);
        assertThat(MatchScorer.birthDate(LocalDate.of(2014, 12, 7), LocalDate.of(2041, 12, 7))).isEqualTo(MatchScorer.Level.CLOSE);
        assertThat(MatchScorer.birthDate(LocalDate.of(2014, 12, 7), LocalDate.of(1990, 1, 1))).isEqualTo(MatchScorer.Level.DISAGREE);
        assertThat(PersonRecord.zip("2184")).isEqualTo("02184");
        assertThat(PersonRecord.zip("02184-1234")).isEqualTo("02184");
        assertThat(PersonRecord.zip("n/a")).isNull();
        assertThat(PersonRecord.street("354 LAKIN FRONTAGE RD")).isEqualTo(PersonRecord.street("354 Lakin Frontage road"));
        assertThat(PersonRecord.words("O'Brien-Smith")).containsExactly("obrien", "smith");
        assertThat(PersonRecord.words("José")).containsExactly("jose");
        Nicknames nicknames = Nicknames.load();
        assertThat(nicknames.same("william", "bill")).isTrue();
        assertThat(nicknames.same("bill", "william")).isTrue();
        assertThat(nicknames.same("guadalupe", "lupe")).isTrue();
        assertThat(nicknames.same("william", "robert")).isFalse();
        assertThat(MatchScorer.similar("rodriguez", "rodriguze")).isTrue();
        assertThat(MatchScorer.similar("lee", "li")).isFalse();
    }

    /** How a second registration of the same person differs (the kinds the sample shows, applied anew). */
    enum Variation {
        MOVED, NICKNAME, MIDDLE_DROPPED, MIDDLE_INITIAL, UPPER_CASE, ZIP_ZERO_LOST, PHONE_CHANGED, NO_SSN, FAMILY_TYPO, DOB_SWAPPED;

        static final Variation[] NAME_KINDS = {NICKNAME, MIDDLE_DROPPED, MIDDLE_INITIAL, UPPER_CASE, ZIP_ZERO_LOST,
                PHONE_CHANGED, NO_SSN, FAMILY_TYPO, DOB_SWAPPED};
        static final Map<String, String> SHORT = Map.of("william", "Bill", "robert", "Bob", "james", "Jim", "elizabeth", "Liz",
                "margaret", "Peggy", "thomas", "Tom", "john", "Jack", "katherine", "Kate");

        String apply(Patient p, Random random) {
            HumanName name = p.getNameFirstRep();
            switch (this) {
                case MOVED -> p.setAddress(new ArrayList<>(List.of(new Address().addLine((10 + random.nextInt(900)) + " Maple Avenue")
                        .setCity("Springfield").setState("MA").setPostalCode("01104"))));
                case NICKNAME -> {
                    String given = PersonRecord.words(name.getGivenAsSingleString()).stream().findFirst().orElse("");
                    if (SHORT.containsKey(given)) {
                        name.getGiven().set(0, new StringType(SHORT.get(given)));
                    }
                }
                case MIDDLE_DROPPED -> {
                    while (name.getGiven().size() > 1) {
                        name.getGiven().remove(1);
                    }
                }
                case MIDDLE_INITIAL -> {
                    if (name.getGiven().size() > 1) {
                        name.getGiven().set(1, new StringType(name.getGiven().get(1).getValue().charAt(0) + "."));
                    }
                }
                case UPPER_CASE -> {
                    name.setFamily(name.getFamily().toUpperCase(java.util.Locale.ROOT));
                    name.getPrefix().clear();
                }
                case ZIP_ZERO_LOST -> p.getAddress().stream().filter(Address::hasPostalCode)
                        .forEach(a -> a.setPostalCode(a.getPostalCode().replaceFirst("^0+", "")));
                case PHONE_CHANGED -> p.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE)
                        .forEach(t -> t.setValue("555-" + (100 + random.nextInt(800)) + "-" + (1000 + random.nextInt(8000))));
                case NO_SSN -> p.getIdentifier().removeIf(id -> "http://hl7.org/fhir/sid/us-ssn".equals(id.getSystem()));
                case FAMILY_TYPO -> {
                    String f = name.getFamily();
                    if (f.length() >= 5) {
                        int i = 1 + random.nextInt(f.length() - 3);
                        name.setFamily(f.substring(0, i) + f.charAt(i + 1) + f.charAt(i) + f.substring(i + 2));
                    }
                }
                case DOB_SWAPPED -> {
                    LocalDate d = LocalDate.parse(p.getBirthDateElement().getValueAsString());
                    if (d.getDayOfMonth() <= 12) {
                        p.setBirthDate(java.sql.Date.valueOf(LocalDate.of(d.getYear(), d.getDayOfMonth(), d.getMonthValue())));
                    }
                }
            }
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static JsonNode json(String path) throws IOException {
        try (InputStream in = resource(path)) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = MatchScorerTest.class.getClassLoader().getResourceAsStream(path);
        assertThat(in).as(path).isNotNull();
        return in;
    }
}
