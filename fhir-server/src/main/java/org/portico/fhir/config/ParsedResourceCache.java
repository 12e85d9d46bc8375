package org.portico.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc.ProvenanceDetails;
import ca.uhn.fhir.jpa.dao.JpaStorageResourceParser;
import ca.uhn.fhir.jpa.dao.TolerantJsonParser;
import ca.uhn.fhir.jpa.dao.data.IResourceHistoryTableDao;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.entity.BaseTag;
import ca.uhn.fhir.jpa.model.entity.IBaseResourceEntity;
import ca.uhn.fhir.jpa.model.entity.ResourceEncodingEnum;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import ca.uhn.fhir.jpa.util.ResourceParserUtil;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.util.IMetaTagSorter;
import ca.uhn.fhir.util.MetaUtil;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Collection;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * HAPI's storage parser (every read, vread, search result, include, history entry and export line is
 * turned from its stored JSON into a resource here) with a cache of parsed resources in front of the
 * JSON parser: a quarter of the CPU of a read went into parsing the same stored text again, a third of
 * that into building the XHTML parser's entity table for the narrative (profiled with JFR, see
 * docs/performance.md).
 *
 * <p><b>The key is the stored text itself</b> (with the class it is parsed into), not an id or a
 * version: equal text parses to an equal resource, so nothing can be stale, whatever happens to the
 * row (an update, a delete, {@code $meta-add}, a reindex, another server node writing). What the text
 * does not hold is filled in as HAPI does on every call: version, last updated, tags, security labels,
 * profiles, source. Callers get their own deep copy ({@link Resource#copy()}, generated code, no
 * parsing), so interceptors that change a returned resource never change the cached one.
 *
 * <p>Bounded by the total length of the cached texts ({@code portico.fhir.parse-cache.max-chars},
 * default 4 million characters; a parsed resource takes several times its text's size on the heap);
 * 0 turns the cache off. Anything this class does not recognise (partitioning, externally stored or
 * deleted resources, XML encodings, a version row that is missing) goes to HAPI's own code unchanged.
 * Resources with contained resources are parsed every time: {@code copy()} keeps a reference's link to
 * the contained resource of the original, so a caller changing it would change the cached one.
 */
public class ParsedResourceCache extends JpaStorageResourceParser {

    private record Key(Class<?> type, String text) {}

    private final Cache<Key, Resource> parsed;
    private volatile boolean bypassed;

    @Autowired
    private FhirContext context;

    @Autowired
    private IResourceHistoryTableDao historyDao;

    @Autowired
    private PartitionSettings partitionSettings;

    @Autowired
    private IResourceMetadataExtractorSvc metadata;

    @Autowired
    private IMetaTagSorter tagSorter;

    /** @param maxChars the most characters of stored text whose parsed resources are kept; 0 keeps none */
    public ParsedResourceCache(long maxChars) {
        this.parsed = maxChars <= 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxChars)
                .weigher((Key k, Resource r) -> k.text().length())
                .recordStats()
                .build();
    }

    /**
     * Bypasses the cache (parses every time, as HAPI does) or uses it again: for benchmarks that
     * measure what the cache is worth in one run, with everything else equal.
     */
    public void bypass(boolean bypass) {
        this.bypassed = bypass;
    }

    /** Hits, misses and evictions since start (for benchmarks and operators). */
    public CacheStats stats() {
        return parsed == null ? CacheStats.empty() : parsed.stats();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends IBaseResource> R toResource(RequestDetails request, Class<R> resourceType,
            IBaseResourceEntity<?> entity, Collection<BaseTag> tagList, boolean forHistoryOperation) {
        if (!usable() || entity.getFhirVersion() != FhirVersionEnum.R4) {
            return super.toResource(request, resourceType, entity, tagList, forHistoryOperation);
        }
        // 1. the version row and the tags, as HAPI finds them
        ResourceHistoryTable history;
        Collection<? extends BaseTag> tags;
        if (entity instanceof ResourceHistoryTable h) {
            history = h;
            tags = tagList != null ? tagList : metadata.getTags(h);
        } else if (entity instanceof ResourceTable resource) {
            history = resource.getCurrentVersionEntity();
            if (history == null) {
                history = historyDao.findForIdAndVersion(resource.getResourceId().toFk(), resource.getVersion());
                if (history == null) {
                    // HAPI looks for the latest version that does exist
                    return super.toResource(request, resourceType, entity, tagList, forHistoryOperation);
                }
                resource.setCurrentVersionEntity(history);
            }
            tags = metadata.getTags(resource);
        } else {
            return super.toResource(request, resourceType, entity, tagList, forHistoryOperation);
        }
        ResourceEncodingEnum encoding = history.getEncoding();
        if (encoding != ResourceEncodingEnum.JSON && encoding != ResourceEncodingEnum.JSONC) {
            return super.toResource(request, resourceType, entity, tagList, forHistoryOperation);
        }
        // 2. the text, 3. the class to parse into, 4. the parsed resource: from the cache or parsed now
        String text = ResourceParserUtil.getResourceText(history.getResource(), history.getResourceTextVc(), encoding);
        Class<R> type = ResourceParserUtil.determineTypeToParse(context, resourceType, tags);
        Resource original = parse(type, text, history.getPersistentId());
        if (original == null) {
            // HAPI's own path reports a failure with the resource's type, id and pid
            return super.toResource(request, resourceType, entity, tagList, forHistoryOperation);
        }
        return (R) completeMetadata(entity, history, forHistoryOperation, tags, original);
    }

    /**
     * Whether {@link #parse} may be used for stored resources now: the cache is on and not bypassed, R4,
     * no partitioning (the parts of HAPI's loading this class does not repeat).
     */
    boolean usable() {
        return parsed != null && !bypassed && !partitionSettings.isPartitioningEnabled()
                && context.getVersion().getVersion() == FhirVersionEnum.R4;
    }

    /**
     * The resource the stored text parses to, the caller's own (a copy of the cached one, or the one
     * parsed now while a copy is cached); null when it does not parse (HAPI's path then reports it).
     */
    Resource parse(Class<? extends IBaseResource> type, String text, JpaPid pid) {
        Key key = new Key(type, text);
        Resource cached = parsed.getIfPresent(key);
        if (cached != null) {
            return cached.copy();
        }
        IBaseResource fresh;
        try {
            fresh = new TolerantJsonParser(context, LENIENT_ERROR_HANDLER, pid).parseResource(type, text);
        } catch (RuntimeException e) {
            return null;
        }
        if (!(fresh instanceof Resource r)) {
            return null;
        }
        // not with contained resources: a copy's references to them still point into the original
        if (!(r instanceof org.hl7.fhir.r4.model.DomainResource d && d.hasContained())) {
            Resource copy = faithfulCopy(context, r);
            if (copy != null) {
                parsed.put(key, copy);
            }
        }
        return r;
    }

    /**
     * A copy of the resource if it encodes exactly as the resource does, else null (then the resource is
     * not cached): HAPI's generated {@code copy()} is not always faithful: a {@code base64Binary} with
     * no value and only an extension (Inferno's data-absent-reason on {@code Attachment.data}) loses the
     * extension. Checked once per parsed text, on a miss.
     */
    static Resource faithfulCopy(FhirContext context, Resource resource) {
        Resource copy = resource.copy();
        ca.uhn.fhir.parser.IParser json = context.newJsonParser();
        return json.encodeResourceToString(resource).equals(json.encodeResourceToString(copy)) ? copy : null;
    }

    /** What the stored text does not hold, as HAPI fills it in: metadata, source, sorted tags (partitions are off). */
    <R extends IBaseResource> R completeMetadata(IBaseResourceEntity<?> entity, ResourceHistoryTable history,
            boolean forHistoryOperation, Collection<? extends BaseTag> tags, R resource) {
        R result = populateResourceMetadata(entity, forHistoryOperation, tags, history.getVersion(), resource);
        ProvenanceDetails provenance = metadata.getProvenanceDetails(history);
        MetaUtil.populateResourceSource(context, provenance.provenanceSourceUri(), provenance.provenanceRequestId(), result);
        tagSorter.sort(result.getMeta());
        return result;
    }
}
