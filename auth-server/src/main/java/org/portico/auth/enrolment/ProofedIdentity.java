package org.portico.auth.enrolment;

import java.io.Serializable;
import java.time.Instant;

/**
 * A visitor who has just proven they are the person of a Patient record, kept in their session until
 * they choose a username and password (registration) or their second factors are reset. PHI: in the
 * session only, never logged.
 *
 * @param method         {@code activation_code}, {@code demographic_match} or {@code invitation}
 * @param assuranceLevel NIST SP 800-63A IAL as recorded on the account
 * @param email          the email on the record (a proven contact when the code went there)
 * @param phone          the phone number on the record
 */
public record ProofedIdentity(String patientId, String displayName, String method, String assuranceLevel,
        String email, String phone, Instant proofedAt) implements Serializable {

    public static final String ACTIVATION_CODE = "activation_code";
    public static final String DEMOGRAPHIC_MATCH = "demographic_match";
    public static final String INVITATION = "invitation";

    /**
     * Staff checked an identity document when they issued the code or sent the invitation to a contact
     * on the record: IAL2 for a code handed over at the desk; a remote match with a code to a contact
     * on the record, and an invitation, reach IAL1 (self-asserted facts checked against the record).
     */
    static String assuranceOf(String method) {
        return ACTIVATION_CODE.equals(method) ? "IAL2" : "IAL1";
    }
}
