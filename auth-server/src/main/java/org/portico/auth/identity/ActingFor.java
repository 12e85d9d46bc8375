package org.portico.auth.identity;

/**
 * A patient a user may act for: their own record, or another person's (a child, someone they care for)
 * through a proxy grant.
 *
 * @param patientId   the Patient id on the fhir-server
 * @param displayName the name shown on the picker and consent pages
 * @param self        whether it is the user's own record
 * @param readOnly    whether the user may only read it (a read-only proxy): apps get no write scopes
 */
public record ActingFor(String patientId, String displayName, boolean self, boolean readOnly) {

    /** The user's own record. */
    public static ActingFor own(String patientId, String displayName) {
        return new ActingFor(patientId, displayName, true, false);
    }
}
