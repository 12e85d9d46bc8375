package org.portico.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceServiceRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.BaseTag;
import ca.uhn.fhir.jpa.model.entity.ResourceEncodingEnum;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.search.BatchResourceLoader;
import ca.uhn.fhir.jpa.util.ResourceParserUtil;
import ca.uhn.fhir.util.IMetaTagSorter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * HAPI's loader of search results (every page of a search, its includes, {@code $everything}) with the
 * {@link ParsedResourceCache} in front of the JSON parser, as reads already have it: HAPI's loader parses
 * each stored text itself instead of going through the storage parser. It does what HAPI's does, in the
 * same order (deleted versions first, as HAPI lists them, then the others in the order given): the tags
 * of all rows in one query, the text parsed (or copied from the cache), then metadata, source and sorted
 * tags. Whatever the cache does not handle (the cache off or bypassed, partitioning, externally stored
 * or XML-encoded rows, another FHIR version, text that does not parse) goes to HAPI's loader unchanged,
 * for the whole batch.
 */
public class CachedBatchResourceLoader extends BatchResourceLoader {

    private final FhirContext context;
    private final IResourceMetadataExtractorSvc metadata;
    private final ParsedResourceCache cache;

    public CachedBatchResourceLoader(FhirContext context, IResourceMetadataExtractorSvc metadata, ParsedResourceCache cache,
            ExternallyStoredResourceServiceRegistry externallyStored, IMetaTagSorter tagSorter, PartitionSettings partitionSettings,
            IPartitionLookupSvc partitionLookup) {
        super(context, metadata, cache, externallyStored, tagSorter, partitionSettings, partitionLookup);
        this.context = context;
        this.metadata = metadata;
        this.cache = cache;
    }

    @Override
    public List<ResourceLoadResult> loadResources(List<ResourceHistoryTable> entities, boolean forHistoryOperation) {
        if (!cache.usable()) {
            return super.loadResources(entities, forHistoryOperation);
        }
        List<ResourceLoadResult> result = new ArrayList<>(entities.size());
        List<ResourceHistoryTable> stored = new ArrayList<>(entities.size());
        for (ResourceHistoryTable entity : entities) {
            if (entity.getDeleted() != null || entity.getEncoding() == ResourceEncodingEnum.DEL) {
                result.add(new ResourceLoadResult(entity.getPersistentId(), null, true));
            } else if ((entity.getEncoding() == ResourceEncodingEnum.JSON || entity.getEncoding() == ResourceEncodingEnum.JSONC)
                    && entity.getFhirVersion() == FhirVersionEnum.R4) {
                stored.add(entity);
            } else {
                return super.loadResources(entities, forHistoryOperation);
            }
        }
        Map<JpaPid, Collection<BaseTag>> tags = metadata.getTagsBatch(entities);
        List<Resource> resources = new ArrayList<>(stored.size());
        for (ResourceHistoryTable entity : stored) {
            String text = ResourceParserUtil.getResourceText(entity.getResource(), entity.getResourceTextVc(), entity.getEncoding());
            Class<? extends IBaseResource> type = ResourceParserUtil.determineTypeToParse(context,
                    context.getResourceDefinition(entity.getResourceType()).getImplementingClass(), tags.get(entity.getPersistentId()));
            Resource resource = cache.parse(type, text, entity.getPersistentId());
            if (resource == null) {
                // HAPI's loader reports it, with the resource's type, id, version and pid
                return super.loadResources(entities, forHistoryOperation);
            }
            resources.add(resource);
        }
        for (int i = 0; i < stored.size(); i++) {
            ResourceHistoryTable entity = stored.get(i);
            IBaseResource resource = cache.completeMetadata(entity, entity, forHistoryOperation, tags.get(entity.getPersistentId()),
                    resources.get(i));
            result.add(new ResourceLoadResult(entity.getPersistentId(), resource, false));
        }
        return result;
    }
}
