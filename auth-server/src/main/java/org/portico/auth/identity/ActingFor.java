package org.portico.auth.identity;

/**
 * A patient a user may act for: their own record, or another person's (a child, someone they care for).
 *
 * @param patientId   the Patient id on the fhir-server
 * @param displayName the name shown on the picker and consent pages
 * @param self        whether it is the user's own record
 */
public record ActingFor(String patientId, String displayName, boolean self) {}
