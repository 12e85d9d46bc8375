package org.portico.fhir.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Only the server writes AuditEvents: any client create, update, patch or delete of an AuditEvent
 * is refused with 403, whatever its scopes say, directly or inside a batch or transaction (whose
 * entries would otherwise reach HAPI's own AuditEvent DAO, which this server no longer serves).
 */
@Interceptor
public final class AuditEventWriteGuard {

    static final String MESSAGE = "AuditEvents are written by the server only";
    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
            RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.DELETE, RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);

    /**
     * AuditEvent has no write methods at all (ADR 0012), so HAPI would answer a write with a generic
     * 400 before any later hook runs; the caller is told plainly instead. {@code POST AuditEvent/_search}
     * is a search and passes.
     */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
    public boolean refuseWriteRequest(HttpServletRequest request, HttpServletResponse response) {
        String path = request.getPathInfo();
        String method = request.getMethod();
        if (path == null || "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) {
            return true;
        }
        boolean auditEvent = path.equals("/" + AuditCaptureInterceptor.AUDIT_EVENT) || path.startsWith("/" + AuditCaptureInterceptor.AUDIT_EVENT + "/");
        boolean search = "POST".equals(method) && path.equals("/" + AuditCaptureInterceptor.AUDIT_EVENT + "/_search");
        if (auditEvent && !search) {
            throw new ForbiddenOperationException(MESSAGE);
        }
        return true;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseRequest(RequestDetails request, RestOperationTypeEnum operation) {
        if (AuditCaptureInterceptor.AUDIT_EVENT.equals(request.getResourceName()) && WRITES.contains(operation)) {
            throw new ForbiddenOperationException(MESSAGE);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void refuseCreate(IBaseResource resource, RequestDetails request) {
        refuse(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void refuseUpdate(IBaseResource oldResource, IBaseResource resource, RequestDetails request) {
        refuse(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void refuseDelete(IBaseResource resource, RequestDetails request) {
        refuse(resource, request);
    }

    private static void refuse(IBaseResource resource, RequestDetails request) {
        if (request instanceof ServletRequestDetails && resource != null
                && AuditCaptureInterceptor.AUDIT_EVENT.equals(request.getFhirContext().getResourceType(resource))) {
            throw new ForbiddenOperationException(MESSAGE);
        }
    }
}
