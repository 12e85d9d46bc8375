package org.portico.fhir.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the request thread knows about one audited FHIR request: one row of the audit log, served
 * as one AuditEvent. Ids are plain FHIR ids ({@code 123}) for patients and relative references
 * ({@code Observation/123}) for resources.
 *
 * @param id            the event id (a random UUID), also the AuditEvent id
 * @param recorded      when the request was handled
 * @param interaction   the FHIR restful interaction code ({@code read}, {@code search-type}, {@code create}...)
 * @param httpStatus    the status the caller got (2xx success, 4xx/5xx failure)
 * @param requestMethod the HTTP method
 * @param resourceType  the resource type in the URL, or null
 * @param requestUrl    the request path and query string as the caller sent them (relative to the FHIR base)
 * @param clientId      the verified token's {@code client_id}, or null (no or invalid token)
 * @param userSubject   the verified token's {@code sub}, or null
 * @param fhirUser      the verified token's {@code fhirUser}, or null
 * @param patients      the patients concerned: the token's patient and the patient-compartment owners
 *                      of what was returned or written
 * @param resources     the resources returned or written (never on a failure)
 * @param sourceAddress the caller's network address
 * @param requestId     HAPI's request id (also sent to the caller as {@code X-Request-ID})
 * @param detail        on a failure, the message the caller was given
 * @param shownLabels   the security labels ({@code system|code}) on the resources named (ADR 0021): the
 *                      event is shown only to readers who may see all of them ({@link AuditLog.Query#withheld});
 *                      null when not known (events written before labels were recorded)
 */
public record AuditRecord(
        String id,
        Instant recorded,
        String interaction,
        int httpStatus,
        String requestMethod,
        String resourceType,
        String requestUrl,
        String clientId,
        String userSubject,
        String fhirUser,
        List<String> patients,
        List<String> resources,
        String sourceAddress,
        String requestId,
        String detail,
        java.util.Set<String> shownLabels) {

    /** A record whose caller's withheld labels are not known. */
    public AuditRecord(String id, Instant recorded, String interaction, int httpStatus, String requestMethod, String resourceType,
            String requestUrl, String clientId, String userSubject, String fhirUser, List<String> patients, List<String> resources,
            String sourceAddress, String requestId, String detail) {
        this(id, recorded, interaction, httpStatus, requestMethod, resourceType, requestUrl, clientId, userSubject, fhirUser, patients,
                resources, sourceAddress, requestId, detail, null);
    }

    public AuditRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(interaction, "interaction");
        patients = List.copyOf(patients);
        resources = List.copyOf(resources);
        shownLabels = shownLabels == null ? null : java.util.Set.copyOf(shownLabels);
    }

    public boolean succeeded() {
        return httpStatus < 400;
    }
}
