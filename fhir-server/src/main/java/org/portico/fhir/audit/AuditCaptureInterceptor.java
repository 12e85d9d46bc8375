package org.portico.fhir.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.UrlUtil;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Writes one audit log row per FHIR request (ADR 0005, ADR 0012): reads, searches and operations when the
 * response is about to be sent, writes inside their own database transaction, and every failure
 * (401, 403, 4xx, 5xx) when the error is about to be sent. The row is stored before the caller gets
 * a successful response; if it cannot be stored the caller gets 503 instead.
 *
 * <p>Hooks run last on their pointcuts, after the authorization interceptors, so only what the
 * caller really receives is recorded. A failure records the token's patient and the request line
 * without ids or parameter values, never the resources the server found.
 */
@Interceptor
public final class AuditCaptureInterceptor {

    /** After every authorization and consent hook on the same pointcut. */
    static final int LAST = 1_000_000;
    static final String AUDIT_EVENT = "AuditEvent";
    static final String PATIENT = "Patient";
    /** Resources named per event; a bigger response records the first ones and says so. */
    static final int MAX_RESOURCES = 1000;

    private static final String STATE = AuditCaptureInterceptor.class.getName() + ".state";
    private static final Logger log = LoggerFactory.getLogger(AuditCaptureInterceptor.class);

    private final AuditLog auditLog;

    public AuditCaptureInterceptor(AuditLog log) {
        this.auditLog = log;
    }

    /** What this request has shown so far (a search may show several batches). */
    private static final class Shown {
        final Set<String> resources = new LinkedHashSet<>();
        /** Each patient's resources among them (a resource in several compartments is in each). */
        final Map<String, Set<String>> byPatient = new LinkedHashMap<>();
        /** Resources in no patient's compartment (an Organization, a Medication). */
        final Set<String> unowned = new LinkedHashSet<>();
        /** The security labels of each shown or written resource that carries any (ADR 0021). */
        final Map<String, Set<String>> labels = new LinkedHashMap<>();
        boolean truncated;
        boolean written;

        /** The labels on these resources: an event naming them is shown only to readers who may see them all. */
        Set<String> labelsOf(java.util.Collection<String> refs) {
            Set<String> result = new java.util.TreeSet<>();
            for (String ref : refs) {
                result.addAll(labels.getOrDefault(ref, Set.of()));
            }
            return result;
        }
    }

    private static void noteLabels(Shown shown, String ref, IBaseResource resource) {
        Set<String> labels = null;
        for (org.hl7.fhir.instance.model.api.IBaseCoding coding : resource.getMeta().getSecurity()) {
            String label = coding.getSystem() + "|" + coding.getCode();
            if (org.portico.smart.claims.SecurityLabels.ALL.contains(label)) {
                if (labels == null) {
                    labels = new LinkedHashSet<>();
                }
                labels.add(label);
            }
        }
        if (labels != null) {
            shown.labels.computeIfAbsent(ref, k -> new LinkedHashSet<>()).addAll(labels);
        }
    }

    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = LAST)
    public void resourcesShown(IPreResourceShowDetails details, RequestDetails request) {
        if (!(request instanceof ServletRequestDetails)) {
            return; // the server's own reads (start-up loaders)
        }
        Shown shown = shown(request);
        FhirTerser terser = null;
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource == null || resource.getIdElement().getIdPart() == null) {
                continue;
            }
            if (shown.resources.size() >= MAX_RESOURCES) {
                shown.truncated = true;
                break;
            }
            FhirContext ctx = request.getFhirContext();
            String type = ctx.getResourceType(resource);
            String ref = type + "/" + resource.getIdElement().getIdPart();
            if (!shown.resources.add(ref)) {
                continue;
            }
            noteLabels(shown, ref, resource);
            if (terser == null) {
                terser = ctx.newTerser();
            }
            Set<String> owners = new LinkedHashSet<>();
            addPatients(owners, type, resource, terser);
            if (owners.isEmpty()) {
                shown.unowned.add(ref);
            }
            for (String owner : owners) {
                shown.byPatient.computeIfAbsent(owner, k -> new LinkedHashSet<>()).add(ref);
            }
        }
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = LAST)
    public boolean responding(RequestDetails request, ResponseDetails response) {
        RestOperationTypeEnum op = request.getRestOperationType();
        if (op == null || op == RestOperationTypeEnum.METADATA || isAuditEventRequest(request)) {
            return true;
        }
        Shown shown = shown(request);
        if (shown.written) {
            return true;
        }
        int status = response.getResponseCode() > 0 ? response.getResponseCode() : 200;
        // set first: if storing fails, the failure hook must not try again
        shown.written = true;
        storePerPatient(request, interaction(op), status, shown.byPatient, shown.unowned, List.copyOf(shown.resources),
                shown.truncated ? "more than " + MAX_RESOURCES + " resources; the first ones are listed" : null);
        return true;
    }

    /**
     * One event per patient (IHE BALP): an event is shown to every patient it names, so a request
     * that concerned several patients (a backend search, a resource in two compartments) becomes
     * one event per patient, each naming only that patient and that patient's resources, with the
     * request line without ids or values ({@link #redactedUrl}, which may name other patients), plus,
     * when some resources are no patient's, one event naming no patient. A request that concerned
     * no patient, or only the token's own patient (always named), is one event with the full request line.
     */
    private void storePerPatient(RequestDetails request, String interaction, int status, Map<String, Set<String>> byPatient,
                                 Set<String> unowned, List<String> all, String detail) {
        Set<String> patients = new LinkedHashSet<>();
        String own = BearerTokenInterceptor.token(request).flatMap(VerifiedToken::patient).orElse(null);
        if (own != null) {
            patients.add(own);
        }
        patients.addAll(byPatient.keySet());
        if (patients.isEmpty() || (patients.size() == 1 && patients.contains(own))) {
            store(record(request, requestUrl(request), interaction, status, List.copyOf(patients), all, detail,
                    shown(request).labelsOf(all)));
            return;
        }
        String url = redactedUrl(request);
        for (String patient : patients) {
            List<String> resources = List.copyOf(byPatient.getOrDefault(patient, Set.of()));
            store(record(request, url, interaction, status, List.of(patient), resources, detail, shown(request).labelsOf(resources)));
        }
        if (!unowned.isEmpty()) {
            store(record(request, url, interaction, status, List.of(), List.copyOf(unowned), detail, shown(request).labelsOf(unowned)));
        }
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = LAST)
    public void created(IBaseResource resource, RequestDetails request) {
        written(request, resource, "create", 201);
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = LAST)
    public void updated(IBaseResource oldResource, IBaseResource resource, RequestDetails request) {
        written(request, resource, request != null && request.getRestOperationType() == RestOperationTypeEnum.PATCH
                ? "patch" : "update", 200);
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, order = LAST)
    public void deleted(IBaseResource resource, RequestDetails request) {
        written(request, resource, "delete", 200);
    }

    /** Every failure, 401 included; never the resources the caller was not allowed to see. */
    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = LAST)
    public BaseServerResponseException failing(RequestDetails request, Throwable error) {
        if (request == null || request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
            return null;
        }
        Shown shown = shown(request);
        if (shown.written) {
            return null; // the success row stands, or storing it is what failed
        }
        shown.written = true;
        int status = error instanceof BaseServerResponseException e ? e.getStatusCode() : 500;
        String detail = error instanceof BaseServerResponseException ? error.getMessage() : "internal error";
        List<String> patients = BearerTokenInterceptor.token(request).flatMap(VerifiedToken::patient).map(List::of).orElse(List.of());
        RestOperationTypeEnum op = request.getRestOperationType();
        try {
            store(record(request, redactedUrl(request), op == null ? "unknown" : interaction(op), status, patients, List.of(), detail,
                    Set.of()));
        } catch (AuditUnavailableException e) {
            // the caller gets its error anyway; losing this row is logged by store()
        }
        return null;
    }

    private void written(RequestDetails request, IBaseResource resource, String interaction, int status) {
        if (!(request instanceof ServletRequestDetails) || resource == null) {
            return;
        }
        FhirContext ctx = request.getFhirContext();
        String type = ctx.getResourceType(resource);
        if (AUDIT_EVENT.equals(type)) {
            return;
        }
        Set<String> owners = new LinkedHashSet<>();
        addPatients(owners, type, resource, ctx.newTerser());
        String ref = type + "/" + resource.getIdElement().getIdPart();
        noteLabels(shown(request), ref, resource);
        Map<String, Set<String>> byPatient = new LinkedHashMap<>();
        owners.forEach(owner -> byPatient.put(owner, Set.of(ref)));
        // inside the write's transaction: the rows commit or roll back with the resource
        storePerPatient(request, interaction, status, byPatient, owners.isEmpty() ? Set.of(ref) : Set.of(), List.of(ref), null);
    }

    private void store(AuditRecord record) {
        try {
            auditLog.insert(record);
        } catch (DataAccessException e) {
            log.error("audit log insert failed; refusing the request (client={} interaction={} status={}): {}",
                    record.clientId(), record.interaction(), record.httpStatus(), e.toString());
            throw new AuditUnavailableException();
        }
    }

    private static void addPatients(Set<String> patients, String type, IBaseResource resource, FhirTerser terser) {
        if (PATIENT.equals(type)) {
            patients.add(resource.getIdElement().getIdPart());
            return;
        }
        for (IIdType owner : terser.getCompartmentOwnersForResource(PATIENT, resource, Set.of())) {
            if (PATIENT.equals(owner.getResourceType()) && owner.getIdPart() != null) {
                patients.add(owner.getIdPart());
            }
        }
    }

    private static AuditRecord record(RequestDetails request, String requestUrl, String interaction, int status,
                                      List<String> patients, List<String> resources, String detail, Set<String> labels) {
        VerifiedToken token = BearerTokenInterceptor.token(request).orElse(null);
        return new AuditRecord(
                TimeOrderedUuid.next().toString(),
                // milliseconds, as AuditEvent.recorded shows it, so that "before this entry" is exact
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                interaction,
                status,
                request.getRequestType() == null ? null : request.getRequestType().name(),
                request.getResourceName(),
                requestUrl,
                token == null ? null : token.clientId(),
                token == null ? null : token.subject(),
                token == null ? null : token.fhirUser(),
                patients,
                resources,
                request instanceof ServletRequestDetails s ? s.getServletRequest().getRemoteAddr() : null,
                request.getRequestId(),
                detail,
                labels);
    }


    /** The request path and parameters as the caller sent them (a POST search's form body included). */
    static String requestUrl(RequestDetails request) {
        StringBuilder url = new StringBuilder(request.getRequestPath() == null ? "" : request.getRequestPath());
        Map<String, String[]> params = request.getParameters();
        if (params != null) {
            char sep = '?';
            for (Map.Entry<String, String[]> p : params.entrySet()) {
                for (String value : p.getValue()) {
                    url.append(sep).append(UrlUtil.escapeUrlParam(p.getKey())).append('=').append(UrlUtil.escapeUrlParam(value));
                    sep = '&';
                }
            }
        }
        return url.toString();
    }

    /**
     * A refused request's line without ids or parameter values ({@code Patient/{id}},
     * {@code Observation?patient=*}): the patient in context reads this event, and the ids an app
     * tried may be other patients'.
     */
    static String redactedUrl(RequestDetails request) {
        StringBuilder url = new StringBuilder(request.getResourceName() == null ? "" : request.getResourceName());
        if (request.getId() != null && request.getId().hasIdPart()) {
            url.append("/{id}");
        }
        if (request.getOperation() != null) {
            url.append('/').append(request.getOperation());
        }
        Map<String, String[]> params = request.getParameters();
        if (params != null) {
            char sep = '?';
            for (String name : params.keySet()) {
                url.append(sep).append(UrlUtil.escapeUrlParam(name)).append("=*");
                sep = '&';
            }
        }
        return url.toString();
    }

    static String interaction(RestOperationTypeEnum op) {
        return switch (op) {
            case GET_PAGE -> RestOperationTypeEnum.SEARCH_TYPE.getCode();
            case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE -> "operation";
            default -> op.getCode() == null ? op.name().toLowerCase(Locale.ROOT) : op.getCode();
        };
    }

    private static boolean isAuditEventRequest(RequestDetails request) {
        return AUDIT_EVENT.equals(request.getResourceName());
    }

    private static Shown shown(RequestDetails request) {
        return (Shown) request.getUserData().computeIfAbsent(STATE, k -> new Shown());
    }
}
