package org.portico.auth.identity;

/**
 * A patient login.
 *
 * @param id          stable id, the {@code sub} of tokens (never the username)
 * @param username    the login name
 * @param passwordHash a {@code DelegatingPasswordEncoder} hash, e.g. {@code {bcrypt}...}
 * @param patientId   the id of the user's own Patient on the fhir-server
 * @param displayName the name shown on pages
 */
public record UserAccount(String id, String username, String passwordHash, String patientId, String displayName) {}
