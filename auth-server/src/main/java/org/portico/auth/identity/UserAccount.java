package org.portico.auth.identity;

import java.util.Locale;
import java.util.Set;

/**
 * A login: a patient's (linked to their own Patient) or a staff member's (no patient, role {@link #STAFF}).
 *
 * @param id          stable id, the {@code sub} of tokens (never the username)
 * @param username    the login name
 * @param passwordHash a {@code DelegatingPasswordEncoder} hash, e.g. {@code {bcrypt}...}
 * @param patientId   the id of the user's own Patient on the fhir-server; null for a staff account
 * @param displayName the name shown on pages
 * @param roles       {@link #PATIENT} and/or {@link #STAFF}
 * @param email       the email address proven at proofing (on the Patient record), or null
 * @param phone       the phone number proven at proofing (on the Patient record), or null
 * @param language    the language of the account's emails and text messages ({@code en} or {@code es})
 */
public record UserAccount(String id, String username, String passwordHash, String patientId, String displayName,
        Set<String> roles, String email, String phone, String language) {

    public static final String PATIENT = "PATIENT";
    public static final String STAFF = "STAFF";

    public UserAccount {
        roles = Set.copyOf(roles);
        language = language == null || language.isBlank() ? "en" : language;
    }

    /** A patient account with no contacts, in English (demo users, tests). */
    public UserAccount(String id, String username, String passwordHash, String patientId, String displayName) {
        this(id, username, passwordHash, patientId, displayName, Set.of(PATIENT), null, null, "en");
    }

    public boolean isStaff() {
        return roles.contains(STAFF);
    }

    public boolean isPatient() {
        return roles.contains(PATIENT) && patientId != null;
    }

    public Locale locale() {
        return Locale.forLanguageTag(language);
    }
}
