package org.portico.fhir.audit;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** The audit record could not be stored, so the request must not succeed: 503, try again later. */
public final class AuditUnavailableException extends BaseServerResponseException {

    public static final int STATUS = 503;

    public AuditUnavailableException() {
        super(STATUS, "The audit trail is unavailable; the request was not completed. Try again later.");
    }
}
