package org.portico.fhir.matching;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * The demographics of one source's Patient record, normalised for comparison: names without case,
 * accents, punctuation or prefixes; US ZIP codes to five digits (a lost leading zero restored); phone
 * numbers to their last ten digits; street lines with the usual abbreviations expanded.
 *
 * @param identifiers identifiers by system (system -> normalised values), less the systems the caller says
 *                    identify records within one source
 */
public record PersonRecord(
        Set<String> families,
        List<String> givens,
        Set<String> middles,
        LocalDate birthDate,
        String gender,
        Set<String> zips,
        Set<String> streets,
        Set<String> phones,
        Set<String> emails,
        Map<String, Set<String>> identifiers) {

    /** Identifier systems shared by every source, so that equal values mean the same person. */
    public static final Set<String> CROSS_SOURCE_SYSTEMS = Set.of(
            "http://hl7.org/fhir/sid/us-ssn",
            "http://hl7.org/fhir/sid/passport-USA");
    /** US driver's licences: one OID arc per state. */
    public static final String DRIVERS_LICENSE_PREFIX = "urn:oid:2.16.840.1.113883.4.3.";

    private static final Set<String> SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv");

    /**
     * @param sourceIdentifierSystems the systems that identify records within one source (MRNs, record ids):
     *                                never treated as evidence across sources
     */
    public static PersonRecord of(Patient patient, Set<String> sourceIdentifierSystems) {
        Set<String> families = new LinkedHashSet<>();
        List<String> givens = new ArrayList<>();
        Set<String> middles = new LinkedHashSet<>();
        for (HumanName name : patient.getName()) {
            if (name.getUse() == HumanName.NameUse.OLD || name.getUse() == HumanName.NameUse.ANONYMOUS) {
                continue;
            }
            for (String part : words(name.getFamily())) {
                if (!SUFFIXES.contains(part)) {
                    families.add(part);
                }
            }
            if (!name.getFamily().isEmpty()) {
                families.add(String.join("", words(name.getFamily())));
            }
            List<StringType> given = name.getGiven();
            for (int i = 0; i < given.size(); i++) {
                List<String> parts = words(given.get(i).getValue());
                if (parts.isEmpty()) {
                    continue;
                }
                if (i == 0) {
                    givens.add(parts.get(0));
                    middles.addAll(parts.subList(1, parts.size()));
                } else {
                    middles.addAll(parts);
                }
            }
        }
        Set<String> zips = new LinkedHashSet<>();
        Set<String> streets = new LinkedHashSet<>();
        for (Address address : patient.getAddress()) {
            if (address.getUse() == Address.AddressUse.OLD) {
                continue;
            }
            String zip = zip(address.getPostalCode());
            if (zip != null) {
                zips.add(zip);
            }
            if (!address.getLine().isEmpty()) {
                String street = street(address.getLine().get(0).getValue());
                if (!street.isEmpty()) {
                    streets.add(street);
                }
            }
        }
        Set<String> phones = new LinkedHashSet<>();
        Set<String> emails = new LinkedHashSet<>();
        for (ContactPoint telecom : patient.getTelecom()) {
            if (telecom.getValue() == null) {
                continue;
            }
            if (telecom.getSystem() == ContactPoint.ContactPointSystem.PHONE || telecom.getSystem() == ContactPoint.ContactPointSystem.SMS) {
                String digits = telecom.getValue().replaceAll("\\D", "");
                if (digits.length() >= 10) {
                    phones.add(digits.substring(digits.length() - 10));
                }
            } else if (telecom.getSystem() == ContactPoint.ContactPointSystem.EMAIL) {
                emails.add(telecom.getValue().trim().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, Set<String>> identifiers = new LinkedHashMap<>();
        for (Identifier identifier : patient.getIdentifier()) {
            String system = identifier.getSystem();
            if (system == null || identifier.getValue() == null || sourceIdentifierSystems.contains(system)) {
                continue;
            }
            // any system both records use is evidence: SSN, licence, passport, and one source's MRN carried
            // by another's record (a referral, a shared registry)
            identifiers.computeIfAbsent(system, s -> new LinkedHashSet<>())
                    .add(identifier.getValue().replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT));
        }
        LocalDate birthDate = patient.hasBirthDateElement() && patient.getBirthDateElement().getValueAsString() != null
                && patient.getBirthDateElement().getValueAsString().length() == 10
                ? LocalDate.parse(patient.getBirthDateElement().getValueAsString())
                : null;
        AdministrativeGender sex = patient.getGender();
        String gender = sex == null || sex == AdministrativeGender.UNKNOWN || sex == AdministrativeGender.NULL ? null : sex.toCode();
        return new PersonRecord(families, givens, middles, birthDate, gender, zips, streets, phones, emails, identifiers);
    }

    /** Lower case, no accents, letters only, split into words ("O'Brien-Smith" -> obrien, smith). */
    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        for (String word : plain.replace("'", "").split("[^a-z]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** Five digits, a lost leading zero put back ("2184" -> "02184", "02184-1234" -> "02184"); else null. */
    static String zip(String postalCode) {
        if (postalCode == null) {
            return null;
        }
        String digits = postalCode.trim().split("-")[0].replaceAll("\\D", "");
        if (digits.length() == 4) {
            digits = "0" + digits;
        }
        return digits.length() == 5 ? digits : null;
    }

    private static final Map<String, String> STREET_WORDS = Map.ofEntries(
            Map.entry("st", "street"), Map.entry("str", "street"), Map.entry("ave", "avenue"), Map.entry("av", "avenue"),
            Map.entry("rd", "road"), Map.entry("dr", "drive"), Map.entry("ln", "lane"), Map.entry("blvd", "boulevard"),
            Map.entry("ct", "court"), Map.entry("pl", "place"), Map.entry("sq", "square"), Map.entry("hwy", "highway"),
            Map.entry("pkwy", "parkway"), Map.entry("ter", "terrace"), Map.entry("cir", "circle"), Map.entry("apt", "apartment"),
            Map.entry("ste", "suite"), Map.entry("unit", "unit"), Map.entry("n", "north"), Map.entry("s", "south"),
            Map.entry("e", "east"), Map.entry("w", "west"));

    /** The first address line, lower case, abbreviations expanded, one space between words. */
    static String street(String line) {
        if (line == null) {
            return "";
        }
        String plain = Normalizer.normalize(line, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String word : plain.split("[^a-z0-9]+")) {
            if (!word.isEmpty()) {
                out.add(STREET_WORDS.getOrDefault(word, word));
            }
        }
        return String.join(" ", out);
    }
}
