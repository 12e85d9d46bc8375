package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's own Patient record (ADR 0017) is what an EHR sent about a person before matching; apps
 * see the unified Patient instead. The compartment rules already keep a record out of every
 * patient-bound and {@code user/} answer (it is no patient's compartment but its own); this guard is
 * the failsafe: only a server-wide ({@code system/}) token is ever shown one, and nobody writes one
 * through the REST API.
 */
@Interceptor
public final class SourceRecords {

    /** {@code meta.tag} of a source's Patient record. */
    public static final String TAG_SYSTEM = "urn:portico:record-kind";
    public static final String TAG_CODE = "source-record";

    private static final Logger log = LoggerFactory.getLogger("org.portico.fhir.authz");
    private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE,
            RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE);

    private final TokenAccess access;

    public SourceRecords(TokenAccess access) {
        this.access = access;
    }

    public static boolean isSourceRecord(IBaseResource resource) {
        return resource != null && resource.getMeta().getTag(TAG_SYSTEM, TAG_CODE) != null;
    }

    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -60)
    public void hide(IPreResourceShowDetails details, RequestDetails request) {
        if (!(request instanceof ServletRequestDetails) || access.of(request).policy().hasServerWide()) {
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            if (isSourceRecord(details.getResource(i))) {
                log.debug("source record refused: operation={}", request.getRestOperationType());
                if (!SEARCHES.contains(request.getRestOperationType())) {
                    throw new ForbiddenOperationException("Access denied: this token's scopes do not allow this operation");
                }
                details.setResource(i, null);
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        refuseWrite(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        refuseWrite(request, oldResource);
        refuseWrite(request, newResource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        refuseWrite(request, resource);
    }

    private static void refuseWrite(RequestDetails request, IBaseResource resource) {
        if (request instanceof ServletRequestDetails && isSourceRecord(resource)) {
            throw new ForbiddenOperationException("Source records are written by ingestion only");
        }
    }
}
