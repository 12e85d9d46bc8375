package org.portico.fhir.config;

import ca.uhn.fhir.jpa.dao.CacheTagDefinitionDao;
import ca.uhn.fhir.jpa.dao.data.ITagDefinitionDao;
import ca.uhn.fhir.jpa.model.entity.TagDefinition;
import ca.uhn.fhir.jpa.model.entity.TagTypeEnum;
import ca.uhn.fhir.jpa.util.MemoryCacheService;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * HAPI's tag-definition lookup, answering only entities of the caller's own session. HAPI keeps the
 * definitions it resolved in a cache shared by every request and hands the cached entity itself to the
 * next writer; with units stored side by side (ADR 0023) one entity ended up in two open sessions and the
 * flush failed ("Illegal attempt to associate a collection with two open sessions",
 * {@code TagDefinition.myResourceVersions}, seen by {@code MultiEhrConcurrentIngestIT}). A definition from
 * the shared cache is answered as the current session's own entity of the same id (found in the session
 * or read by its primary key: one query per definition and transaction).
 */
public class SessionTagDefinitionDao extends CacheTagDefinitionDao {

    @PersistenceContext
    private EntityManager entityManager;

    private final MemoryCacheService memoryCache;

    public SessionTagDefinitionDao(ITagDefinitionDao tagDefinitionDao, MemoryCacheService memoryCacheService) {
        super(tagDefinitionDao, memoryCacheService);
        this.memoryCache = memoryCacheService;
    }

    @Override
    protected TagDefinition getTagOrNull(TransactionDetails transactionDetails, TagTypeEnum tagType, String scheme, String term,
            String label, String version, Boolean userSelected) {
        TagDefinition tag = super.getTagOrNull(transactionDetails, tagType, scheme, term, label, version, userSelected);
        if (tag == null || tag.getId() == null
                || !org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            return tag;
        }
        // only the shared cache's entity is replaced (one this transaction created or loaded is its own)
        Object shared = memoryCache.getIfPresent(MemoryCacheService.CacheEnum.TAG_DEFINITION,
                new MemoryCacheService.TagDefinitionCacheKey(tagType, scheme, term, version, userSelected));
        if (shared != tag || entityManager.contains(tag)) {
            return tag;
        }
        TagDefinition own = entityManager.find(TagDefinition.class, tag.getId());
        return own != null ? own : tag;
    }
}
