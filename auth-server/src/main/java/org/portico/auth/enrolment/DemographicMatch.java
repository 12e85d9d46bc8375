package org.portico.auth.enrolment;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Online identity proofing by demographics: the name and birth date a visitor typed, and one more fact
 * only the record holds (the MRN, the last four digits of a phone number, or the email on file), must
 * single out exactly one Patient. Names compare without case, accents or extra spaces; a record that
 * lacks a fact cannot match on it. The result says only "this one" or "none": never which field failed.
 */
public final class DemographicMatch {

    /** Which extra fact the visitor gave. */
    public enum Factor {
        MRN, PHONE_LAST4, EMAIL;

        /** From the form value ({@code mrn}, {@code phone}, {@code email}); empty when unknown. */
        public static Optional<Factor> of(String value) {
            return switch (value == null ? "" : value) {
                case "mrn" -> Optional.of(MRN);
                case "phone" -> Optional.of(PHONE_LAST4);
                case "email" -> Optional.of(EMAIL);
                default -> Optional.empty();
            };
        }
    }

    /** What the visitor typed. */
    public record Claim(String given, String family, String birthDate, Factor factor, String value) {}

    private DemographicMatch() {}

    /** The one record the claim fits, or empty when none or more than one does. */
    public static Optional<PatientRecord> single(Claim claim, List<PatientRecord> candidates) {
        List<PatientRecord> matches = candidates.stream().filter(r -> fits(claim, r)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    static boolean fits(Claim claim, PatientRecord record) {
        if (record.birthDate() == null || !record.birthDate().equals(claim.birthDate())) {
            return false;
        }
        if (!normal(claim.family()).equals(normal(record.family()))) {
            return false;
        }
        String given = normal(claim.given());
        if (given.isEmpty() || record.given().stream().map(DemographicMatch::normal).noneMatch(given::equals)
                && !given.equals(normal(String.join(" ", record.given())))) {
            return false;
        }
        String value = claim.value() == null ? "" : claim.value().trim();
        if (value.isEmpty()) {
            return false;
        }
        return switch (claim.factor()) {
            case MRN -> record.identifiers().stream().anyMatch(id -> id.trim().equalsIgnoreCase(value));
            case PHONE_LAST4 -> value.matches("[0-9]{4}")
                    && record.phones().stream().map(p -> p.replaceAll("[^0-9]", "")).anyMatch(p -> p.length() >= 4 && p.endsWith(value));
            case EMAIL -> record.emails().stream().anyMatch(e -> e.trim().equalsIgnoreCase(value));
        };
    }

    /** Lower case, no accents, single spaces: "  José  García" and "jose garcia" are the same name. */
    static String normal(String name) {
        if (name == null) {
            return "";
        }
        String stripped = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return stripped.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
