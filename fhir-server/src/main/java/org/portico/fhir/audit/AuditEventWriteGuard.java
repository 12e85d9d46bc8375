package org.portico.fhir.audit;

import ca.uhn.fhir.interceptor.api.Hook;
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
 * is refused with 403, whatever its scopes say, directly or inside a batch or transaction. The
 * outbox worker writes through the DAOs with a system request, which never reaches this
 * interceptor (it is registered on the REST server only).
 */
@Interceptor
public final class AuditEventWriteGuard {

    static final String MESSAGE = "AuditEvents are written by the server only";
    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
            RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.DELETE, RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);

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
