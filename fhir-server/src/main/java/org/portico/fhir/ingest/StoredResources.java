package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * Finds what a source sent before by the identifier every ingested resource carries
 * ({@code <source record-id system>|<source id>}), in the caller's transaction.
 */
final class StoredResources {

    private static final int CHUNK = 100;

    private final DaoRegistry daos;

    StoredResources(DaoRegistry daos) {
        this.daos = daos;
    }

    /** The stored resources of a type the source sent under these ids, by source id. */
    Map<String, Resource> bySourceId(String type, String recordIdSystem, Collection<String> sourceIds) {
        Map<String, Resource> found = new HashMap<>();
        List<String> ids = new ArrayList<>(sourceIds);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            TokenOrListParam any = new TokenOrListParam();
            ids.subList(from, Math.min(ids.size(), from + CHUNK)).forEach(id -> any.addOr(new TokenParam(recordIdSystem, id)));
            SearchParameterMap map = SearchParameterMap.newSynchronous();
            map.add("identifier", any);
            for (IBaseResource r : daos.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources()) {
                Resource resource = (Resource) r;
                for (Identifier identifier : Ingestor.identifiers(resource)) {
                    if (recordIdSystem.equals(identifier.getSystem()) && sourceIds.contains(identifier.getValue())) {
                        found.putIfAbsent(identifier.getValue(), resource);
                    }
                }
            }
        }
        return found;
    }
}
