package org.portico.auth.enrolment;

import java.util.List;

/**
 * What identity proofing and the staff desk need of a Patient resource: its name, birth date, the
 * values of its identifiers (the MRN among them) and its contacts. PHI: never logged.
 *
 * @param birthDate {@code YYYY-MM-DD} as on the record, or null
 * @param state     the {@code address.state} of the home (else first current) address, or null: the
 *                  jurisdiction of proxy access (ADR 0019)
 */
public record PatientRecord(String id, List<String> given, String family, String birthDate,
        List<String> identifiers, List<String> phones, List<String> emails, String state) {

    public PatientRecord(String id, List<String> given, String family, String birthDate,
            List<String> identifiers, List<String> phones, List<String> emails) {
        this(id, given, family, birthDate, identifiers, phones, emails, null);
    }

    public PatientRecord {
        given = List.copyOf(given);
        identifiers = List.copyOf(identifiers);
        phones = List.copyOf(phones);
        emails = List.copyOf(emails);
    }

    /** The name as pages show it: given names, then family name. */
    public String displayName() {
        String name = (String.join(" ", given) + " " + (family == null ? "" : family)).trim();
        return name.isEmpty() ? id : name;
    }

    /** The first email on the record, or null. */
    public String email() {
        return emails.isEmpty() ? null : emails.get(0);
    }

    /** The first phone number on the record (mobile first), or null. */
    public String phone() {
        return phones.isEmpty() ? null : phones.get(0);
    }
}
