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
    private final jakarta.persistence.EntityManager entityManager;
    private final ca.uhn.fhir.jpa.model.config.PartitionSettings partitionSettings;

    StoredResources(DaoRegistry daos, jakarta.persistence.EntityManager entityManager,
            ca.uhn.fhir.jpa.model.config.PartitionSettings partitionSettings) {
        this.daos = daos;
        this.entityManager = entityManager;
        this.partitionSettings = partitionSettings;
    }

    /** The stored resources of a type the source sent under these ids, by source id. */
    Map<String, Resource> bySourceId(String type, String recordIdSystem, Collection<String> sourceIds) {
        Map<String, Resource> found = new HashMap<>();
        List<String> ids = indexed(type, recordIdSystem, sourceIds);
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

    /**
     * The ids among these that some stored resource of the type carries as an identifier, by HAPI's own
     * token index (the hash of type, {@code identifier}, system and value an {@code identifier=} search uses):
     * one query for all, and for a unit of new resources (most of them) no search at all. A hash collision
     * only sends an id on to the search, which decides.
     */
    private List<String> indexed(String type, String system, Collection<String> sourceIds) {
        Map<Long, List<String>> byHash = new HashMap<>();
        for (String id : sourceIds) {
            byHash.computeIfAbsent(ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken.calculateHashSystemAndValue(
                    partitionSettings, ca.uhn.fhir.interceptor.model.RequestPartitionId.defaultPartition(), type, "identifier", system, id),
                    h -> new ArrayList<>()).add(id);
        }
        List<String> present = new ArrayList<>();
        List<Long> hashes = new ArrayList<>(byHash.keySet());
        for (int from = 0; from < hashes.size(); from += 1000) {
            List<?> rows = entityManager.createNativeQuery("SELECT DISTINCT HASH_SYS_AND_VALUE FROM HFJ_SPIDX_TOKEN WHERE RES_TYPE = ?1"
                            + " AND HASH_SYS_AND_VALUE IN (?2)")
                    .setParameter(1, type).setParameter(2, hashes.subList(from, Math.min(hashes.size(), from + 1000))).getResultList();
            for (Object row : rows) {
                present.addAll(byHash.getOrDefault(((Number) row).longValue(), List.of()));
            }
        }
        return present;
    }
}
