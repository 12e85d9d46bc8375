package org.portico.fhir.matching;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Deterministic matching on strong evidence only, never a merge on weak evidence (ADR 0017):
 * <ol>
 * <li>a strong identifier (an MRN in a registered source's MRN system, an SSN, a driver's licence, a
 * passport number) that already belongs to exactly one person links the record to that person;</li>
 * <li>otherwise the same family name, first given name (case, accents and punctuation ignored),
 * birth date and gender, plus the same street address, phone number or city and ZIP, with no
 * contradicting strong identifier, link it when exactly one person fits;</li>
 * <li>anything else, including evidence pointing at two people, is a new person.</li>
 * </ol>
 * Two people's evidence never merges them: an ambiguous record stays separate (the review queue of
 * the scoring matcher comes next).
 */
public final class EvidenceMatcher implements PatientMatcher {

    static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    static final String US_SSN = "http://hl7.org/fhir/sid/us-ssn";
    /** Identifier types (HL7 v2 table 0203) that name one person across organisations. */
    private static final Set<String> STRONG_TYPES = Set.of("SS", "DL", "PPN", "SB", "NI");

    private final Candidates candidates;
    private final Supplier<? extends java.util.Collection<String>> mrnSystems;

    /** @param mrnSystems the MRN systems of every registered source, asked at each decision */
    public EvidenceMatcher(Candidates candidates, Supplier<? extends java.util.Collection<String>> mrnSystems) {
        this.candidates = candidates;
        this.mrnSystems = mrnSystems;
    }

    @Override
    public Decision decide(Patient record, String sourceId) {
        java.util.Collection<String> mrn = mrnSystems.get();
        List<Identifier> strong = strongIdentifiers(record, mrn);
        Set<String> byIdentifier = new LinkedHashSet<>();
        List<String> matchedSystems = new ArrayList<>();
        for (Identifier identifier : strong) {
            for (Candidates.Candidate c : candidates.withIdentifier(identifier.getSystem(), identifier.getValue())) {
                byIdentifier.add(c.unifiedPatientId());
                matchedSystems.add(identifier.getSystem());
            }
        }
        if (byIdentifier.size() == 1) {
            return new SamePerson(byIdentifier.iterator().next(), "identifier " + String.join(", ", new LinkedHashSet<>(matchedSystems)));
        }
        if (byIdentifier.size() > 1) {
            return new NewPerson("ambiguous: identifiers of " + byIdentifier.size() + " people");
        }
        if (!record.hasBirthDate()) {
            return new NewPerson("no strong identifier match; no birth date");
        }
        Set<String> byDemographics = new LinkedHashSet<>();
        String how = null;
        for (Candidates.Candidate c : candidates.bornOn(record.getBirthDateElement().getValueAsString())) {
            String fits = demographicsFit(record, c.record(), mrn);
            if (fits != null) {
                byDemographics.add(c.unifiedPatientId());
                how = fits;
            }
        }
        if (byDemographics.size() == 1) {
            return new SamePerson(byDemographics.iterator().next(), how);
        }
        return new NewPerson(byDemographics.isEmpty()
                ? "no strong identifier or demographic match"
                : "ambiguous: demographics of " + byDemographics.size() + " people");
    }

    /** Why the two records are the same person by demographics, or null. */
    static String demographicsFit(Patient record, Patient other, java.util.Collection<String> mrnSystems) {
        if (!record.hasGender() || record.getGender() != other.getGender()
                || !record.getBirthDateElement().getValueAsString().equals(other.getBirthDateElement().getValueAsString())) {
            return null;
        }
        if (contradicts(strongIdentifiers(record, mrnSystems), strongIdentifiers(other, mrnSystems))) {
            return null;
        }
        if (!sameName(record, other)) {
            return null;
        }
        if (sameStreet(record, other)) {
            return "name, birth date, gender, address";
        }
        if (samePhone(record, other)) {
            return "name, birth date, gender, phone";
        }
        if (samePostalArea(record, other)) {
            return "name, birth date, gender, postal code and city";
        }
        return null;
    }

    static List<Identifier> strongIdentifiers(Patient patient, java.util.Collection<String> mrnSystems) {
        List<Identifier> strong = new ArrayList<>();
        for (Identifier identifier : patient.getIdentifier()) {
            if (!identifier.hasSystem() || !identifier.hasValue() || identifier.getValue().isBlank()) {
                continue;
            }
            boolean typed = identifier.getType().getCoding().stream()
                    .anyMatch(c -> V2_0203.equals(c.getSystem()) && STRONG_TYPES.contains(c.getCode()));
            if (typed || US_SSN.equals(identifier.getSystem()) || mrnSystems.contains(identifier.getSystem())) {
                strong.add(identifier);
            }
        }
        return strong;
    }

    /** Both carry an identifier of the same system with different values (two people's SSNs, say). */
    private static boolean contradicts(List<Identifier> a, List<Identifier> b) {
        for (Identifier x : a) {
            boolean sameSystem = false;
            boolean sameValue = false;
            for (Identifier y : b) {
                if (x.getSystem().equals(y.getSystem())) {
                    sameSystem = true;
                    sameValue |= x.getValue().trim().equals(y.getValue().trim());
                }
            }
            if (sameSystem && !sameValue) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameName(Patient a, Patient b) {
        for (HumanName x : a.getName()) {
            for (HumanName y : b.getName()) {
                if (!x.hasFamily() || !y.hasFamily() || x.getGiven().isEmpty() || y.getGiven().isEmpty()) {
                    continue;
                }
                if (plain(x.getFamily()).equals(plain(y.getFamily()))
                        && plain(x.getGiven().get(0).getValue()).equals(plain(y.getGiven().get(0).getValue()))
                        && !plain(x.getFamily()).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameStreet(Patient a, Patient b) {
        for (Address x : a.getAddress()) {
            for (Address y : b.getAddress()) {
                if (x.getLine().isEmpty() || y.getLine().isEmpty() || !x.hasCity() || !y.hasCity()) {
                    continue;
                }
                String lineX = plain(x.getLine().get(0).getValue());
                if (!lineX.isEmpty() && lineX.equals(plain(y.getLine().get(0).getValue()))
                        && plain(x.getCity()).equals(plain(y.getCity()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The same city and US postal code, a ZIP that lost its leading zero included. */
    private static boolean samePostalArea(Patient a, Patient b) {
        for (Address x : a.getAddress()) {
            for (Address y : b.getAddress()) {
                String zx = zip(x.getPostalCode());
                if (!zx.isEmpty() && zx.equals(zip(y.getPostalCode())) && x.hasCity() && plain(x.getCity()).equals(plain(y.getCity()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String zip(String postalCode) {
        String d = digits(postalCode);
        if (d.length() > 5) {
            d = d.substring(0, 5);
        }
        return d.length() < 4 ? "" : "0".repeat(5 - d.length()) + d;
    }

    private static boolean samePhone(Patient a, Patient b) {
        for (ContactPoint x : a.getTelecom()) {
            for (ContactPoint y : b.getTelecom()) {
                if (x.getSystem() == ContactPoint.ContactPointSystem.PHONE && y.getSystem() == ContactPoint.ContactPointSystem.PHONE) {
                    String dx = digits(x.getValue());
                    if (dx.length() >= 7 && dx.equals(digits(y.getValue()))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Lower case letters and digits only, accents removed. */
    static String plain(String s) {
        if (s == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
        return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String digits(String s) {
        return s == null ? "" : s.replaceAll("[^0-9]", "");
    }
}
