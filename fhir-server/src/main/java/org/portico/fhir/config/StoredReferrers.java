package org.portico.fhir.config;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.portico.fhir.authz.Referrers;

/**
 * {@link Referrers} from the database: a synchronous search as the system (so none of the request's
 * interceptors, audit included, see the lookup; nothing is cached in HAPI's search tables).
 */
final class StoredReferrers implements Referrers {

    private final DaoRegistry daos;

    StoredReferrers(DaoRegistry daos) {
        this.daos = daos;
    }

    @Override
    public List<IBaseResource> of(String sourceType, String searchParam, IIdType target) {
        if (!daos.isResourceTypeSupported(sourceType)) {
            return List.of();
        }
        SearchParameterMap map = SearchParameterMap.newSynchronous(searchParam,
                new ReferenceParam(target.toUnqualifiedVersionless().getValue()));
        map.setCount(MAX);
        map.setLoadSynchronousUpTo(MAX);
        return daos.getResourceDao(sourceType).search(map, new SystemRequestDetails()).getResources(0, MAX);
    }
}
