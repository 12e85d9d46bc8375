package org.portico.fhir.ingest;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.util.FhirTerser;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.portico.fhir.authz.ScopeRules;
import org.portico.fhir.authz.SourceRecords;
import org.portico.fhir.labels.SecurityLabeler;
import org.portico.fhir.matching.PatientLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores one ingest unit of a source (ADR 0017) in one database transaction: every resource with
 * {@code meta.source} = the source's URI and the identifier {@code <record-id system>|<source id>}
 * (which finds it again on a resend), references resolved to what is stored, the source's Patient
 * records linked to unified Patients and every reference to them pointing at the unified Patient,
 * and a Provenance per patient of the unit naming what was created or updated. A resend that changes
 * nothing writes nothing (HAPI's no-op update) and no Provenance. Any rejected entry, or any failure
 * midway, rolls the whole unit back.
 */
public final class Ingestor {

    /** Types Portico writes itself, or that decide who sees what: never taken from a source. */
    static final Set<String> NOT_INGESTED = Set.of("Provenance", "AuditEvent", "Group", "Consent", "RelatedPerson", "Person",
            "Binary", "Bundle", "Subscription");
    private static final String PATIENT = "Patient";
    private static final String URN_UUID = "urn:uuid:";
    private static final Pattern RELATIVE = Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(/_history/[A-Za-z0-9\\-.]{1,64})?");
    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

    private final FhirContext fhir;
    private final DaoRegistry daos;
    private final TransactionTemplate transactions;
    private final PatientLinks links;
    private final PatientLinking linking;
    private final IngestValidation validation;
    private final Supplier<String> porticoOrganization;
    private final Clock clock;
    private final StoredResources stored;
    private final Duplicates duplicates;
    private final UnitLock lock;
    private final EntityManager entityManager;
    private final SecurityLabeler labeler;

    public Ingestor(FhirContext fhir, DaoRegistry daos, TransactionTemplate transactions, EntityManager entityManager,
            PatientLinks links, PatientLinking linking, IngestValidation validation, Supplier<String> porticoOrganization, UnitLock lock,
            Clock clock, SecurityLabeler labeler, ca.uhn.fhir.jpa.model.config.PartitionSettings partitionSettings) {
        this.labeler = labeler;
        this.lock = lock;
        this.entityManager = entityManager;
        this.fhir = fhir;
        this.daos = daos;
        this.transactions = transactions;
        this.links = links;
        this.linking = linking;
        this.validation = validation;
        this.porticoOrganization = porticoOrganization;
        this.clock = clock;
        this.stored = new StoredResources(daos, entityManager, partitionSettings);
        this.duplicates = new Duplicates(daos);
    }

    /** Whether a source may send resources of the type. */
    public boolean ingestible(String type) {
        if (NOT_INGESTED.contains(type) || !daos.isResourceTypeSupported(type)) {
            return false;
        }
        if (type.equals(PATIENT) || ScopeRules.REFERENCE_TYPES.contains(type)) {
            return true;
        }
        try {
            return !fhir.getResourceDefinition(type).getSearchParamsForCompartmentName(PATIENT).isEmpty();
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    /** Stores the unit and answers after the commit; throws the 422 of a rejected unit. */
    public IngestReport ingest(Source source, IngestUnit unit) {
        long start = System.nanoTime();
        // before the transaction: the validator's cost holds no lock and no connection
        List<IngestReport.Rejection> findings = new ArrayList<>();
        boolean errors = false;
        IngestValidation.Mode mode = source.validation() != null ? source.validation() : validation.mode();
        for (IngestValidation.Finding finding : validation.validate(unit, mode, entry -> sourceId(source, entry))) {
            findings.add(new IngestReport.Rejection(finding.label(), finding.sourceId(), finding.text()));
            errors |= finding.error();
        }
        if (errors && mode == IngestValidation.Mode.REJECT) {
            log.info("ingest unit refused by validation: source={} entries={} findings={}", source.id(), unit.entries().size(),
                    findings.size());
            throw IngestReport.rejected(findings.stream().filter(f -> f.reason().startsWith("error")).toList());
        }
        IngestReport report = transactions.execute(status -> new Run(source, unit).run()).withWarnings(findings);
        log.info("ingest unit stored: source={} entries={} outcome={} in {} ms", source.id(), unit.entries().size(),
                report.counts(), (System.nanoTime() - start) / 1_000_000);
        return report;
    }

    static List<Identifier> identifiers(Resource resource) {
        List<Identifier> result = new ArrayList<>();
        BaseRuntimeChildDefinition child = identifierChild(resource);
        if (child != null) {
            for (IBase value : child.getAccessor().getValues(resource)) {
                if (value instanceof Identifier identifier) {
                    result.add(identifier);
                }
            }
        }
        return result;
    }

    /** The {@code identifier} element of the resource's type, or null when the type has none. */
    static BaseRuntimeChildDefinition identifierChild(Resource resource) {
        return FhirContext.forR4Cached().getResourceDefinition(resource).getChildByName("identifier");
    }

    /** Whether the resource was stored from the source with this {@code meta.source} URI. */
    static boolean fromSource(Resource resource, String sourceUri) {
        String stored = resource.getMeta().getSource();
        return stored != null && (stored.equals(sourceUri) || stored.startsWith(sourceUri + "#"));
    }

    /** The entry's id in its source: its identifier in the source's record-id system, its id, or its urn:uuid. */
    static String sourceId(Source source, IngestUnit.Entry entry) {
        for (Identifier identifier : identifiers(entry.resource())) {
            if (source.recordIdSystem().equals(identifier.getSystem()) && identifier.hasValue() && !identifier.getValue().isBlank()) {
                return identifier.getValue();
            }
        }
        if (entry.resource().getIdElement().hasIdPart()) {
            return entry.resource().getIdElement().getIdPart();
        }
        if (entry.fullUrl() != null && entry.fullUrl().startsWith(URN_UUID) && entry.fullUrl().length() > URN_UUID.length()) {
            return entry.fullUrl().substring(URN_UUID.length());
        }
        return null;
    }

    /** Holds what a unit writes and refers to until its transaction ends ({@link SourceRegistry#lockForUnit}). */
    @FunctionalInterface
    public interface UnitLock {
        /**
         * @param writes the {@code Type/source id} of each entry
         * @param reads  the {@code Type/source id} of each earlier resource referred to
         * @param people the matcher's blocking keys of the unit's Patient records (any source's)
         */
        void lock(Source source, java.util.Collection<String> writes, java.util.Collection<String> reads, java.util.Collection<String> people);
    }

    /** One entry with its identity in the source. */
    private record Keyed(IngestUnit.Entry entry, String type, String sourceId, String key) {}

    /** The state of one unit while it is stored. */
    private final class Run {

        private final Source source;
        private final IngestUnit unit;
        private final FhirTerser terser = fhir.newTerser();
        private final List<IngestReport.Rejection> rejections = new ArrayList<>();
        private final Map<String, Keyed> byKey = new LinkedHashMap<>();
        /** fullUrl, {@code Type/id} as sent, {@code Type/source id} -> key */
        private final Map<String, String> aliases = new HashMap<>();
        /** the stored reference of every written key ({@code Patient} keys: the unified Patient) */
        private final Map<String, String> written = new HashMap<>();
        /** {@code Type/id} as sent, not in the unit -> stored reference */
        private final Map<String, String> outside = new HashMap<>();
        private final List<IngestReport.Item> items = new ArrayList<>();
        /** unified Patient id (or "" for none) -> created or updated resources */
        private final Map<String, Set<String>> targets = new LinkedHashMap<>();
        private final SystemRequestDetails request = new SystemRequestDetails();
        /**
         * One for the whole unit, as in HAPI's own transactions: what was created earlier in the unit is found
         * here by the later entries that refer to it, without a flush and a query per entry.
         */
        private final ca.uhn.fhir.rest.api.server.storage.TransactionDetails details = new ca.uhn.fhir.rest.api.server.storage.TransactionDetails();
        /** unified Patient id -> whether a record of another source is linked to it (only then can a fact be a duplicate) */
        private final Map<String, Boolean> sharedWithOthers = new HashMap<>();
        /** entry label -> the security-label rules that labelled it (ADR 0021) */
        private final Map<String, List<String>> labelledBy = new LinkedHashMap<>();
        /** key -> the resource's security labels as stored ({@code system|code}, sorted), when it has any */
        private final Map<String, List<org.hl7.fhir.r4.model.Coding>> securityByKey = new HashMap<>();

        Run(Source source, IngestUnit unit) {
            this.source = source;
            this.unit = unit;
            rejections.addAll(unit.problems());
        }

        IngestReport run() {
            identify();
            Map<String, Set<String>> dependencies = dependencies();
            List<String> order = order(dependencies);
            Map<String, Resource> existing = existing();
            if (!rejections.isEmpty()) {
                throw IngestReport.rejected(rejections);
            }
            // as HAPI's transaction processing does: the writes are flushed together at the commit (batched),
            // not before every query the writing makes; what queries the unit's own writes flushes first
            jakarta.persistence.FlushModeType flushMode = entityManager.getFlushMode();
            entityManager.setFlushMode(jakarta.persistence.FlushModeType.COMMIT);
            try {
                writeAll(order, existing);
            } finally {
                entityManager.setFlushMode(flushMode);
            }
            List<String> provenances = new ArrayList<>();
            targets.forEach((patient, resources) -> provenances.addAll(provenancesByLabels(resources)));
            return new IngestReport(source.uri().toString(), items, provenances)
                    .withLabels(labeler.rules().id() + "|" + labeler.rules().version(), labelledBy);
        }

        private void writeAll(List<String> order, Map<String, Resource> existing) {
            for (String key : order) {
                Keyed keyed = byKey.get(key);
                try {
                    write(keyed, existing.get(key));
                } catch (BaseServerResponseException refused) {
                    if (refused.getStatusCode() >= 500 || refused.getStatusCode() == 409) {
                        throw failed(keyed, refused);
                    }
                    // the storage refused it (a reference of the wrong type, say): the whole unit rolls back
                    throw IngestReport.rejected(List.of(new IngestReport.Rejection(keyed.entry().label(), keyed.sourceId(),
                            refused.getMessage())));
                } catch (RuntimeException e) {
                    throw failed(keyed, e);
                }
            }
        }

        /** A fault of the server, not of the input: 500 without its details (they may quote the data). */
        private InternalErrorException failed(Keyed keyed, RuntimeException e) {
            log.warn("ingest unit failed: source={} entry={} type={} error={}", source.id(), keyed.entry().label(), keyed.type(),
                    e.getClass().getSimpleName());
            return new InternalErrorException("The unit could not be stored (at " + keyed.entry().label()
                    + "); nothing of it was stored");
        }

        /** The type and source id of every entry; refuses types, entries without an id and duplicates. */
        private void identify() {
            for (IngestUnit.Entry entry : unit.entries()) {
                Resource resource = entry.resource();
                String type = resource.fhirType();
                if (!ingestible(type)) {
                    rejections.add(new IngestReport.Rejection(entry.label(), null, type + " resources are not ingested"));
                    continue;
                }
                if (identifierChild(resource) == null) {
                    rejections.add(new IngestReport.Rejection(entry.label(), null, type + " has no identifier element to carry the source id"));
                    continue;
                }
                String sourceId = sourceId(entry);
                if (sourceId == null) {
                    rejections.add(new IngestReport.Rejection(entry.label(), null,
                            "no source id: give the resource an id, a urn:uuid fullUrl or an identifier in " + source.recordIdSystem()));
                    continue;
                }
                String key = type + "/" + sourceId;
                if (byKey.containsKey(key)) {
                    rejections.add(new IngestReport.Rejection(entry.label(), sourceId, "the unit holds " + key + " twice"));
                    continue;
                }
                byKey.put(key, new Keyed(entry, type, sourceId, key));
                aliases.put(key, key);
                if (entry.fullUrl() != null) {
                    aliases.put(entry.fullUrl(), key);
                }
                if (resource.getIdElement().hasIdPart()) {
                    aliases.put(type + "/" + resource.getIdElement().getIdPart(), key);
                }
            }
        }

        private String sourceId(IngestUnit.Entry entry) {
            return Ingestor.sourceId(source, entry);
        }

        /** For each entry, the entries it refers to; references to earlier data are looked up, others refused. */
        private Map<String, Set<String>> dependencies() {
            Map<String, Set<String>> dependencies = new HashMap<>();
            Map<String, Set<String>> toLookUp = new HashMap<>();
            Map<String, List<Keyed>> lookedUpBy = new HashMap<>();
            for (Keyed keyed : byKey.values()) {
                Set<String> needs = new LinkedHashSet<>();
                for (Reference reference : terser.getAllPopulatedChildElementsOfType(keyed.entry().resource(), Reference.class)) {
                    String ref = reference.getReference();
                    if (ref == null || ref.isBlank() || ref.startsWith("#")) {
                        continue;
                    }
                    String inUnit = aliases.get(ref);
                    if (inUnit != null) {
                        if (!inUnit.equals(keyed.key())) {
                            needs.add(inUnit);
                        }
                        continue;
                    }
                    Matcher relative = RELATIVE.matcher(relativeOf(ref));
                    if (relative.matches() && aliases.get(relative.group(1) + "/" + relative.group(2)) != null) {
                        needs.add(aliases.get(relative.group(1) + "/" + relative.group(2)));
                    } else if (relative.matches() && ingestible(relative.group(1))) {
                        toLookUp.computeIfAbsent(relative.group(1), t -> new LinkedHashSet<>()).add(relative.group(2));
                        lookedUpBy.computeIfAbsent(relative.group(1) + "/" + relative.group(2), k -> new ArrayList<>()).add(keyed);
                    } else {
                        rejections.add(new IngestReport.Rejection(keyed.entry().label(), keyed.sourceId(),
                                "the reference " + ref + " is neither in this unit nor a reference to data this source sent"));
                    }
                }
                dependencies.put(keyed.key(), needs);
            }
            // before anything is looked up: two units sending the same new resource must not both create it,
            // and a reference to what a unit in flight creates waits for that unit
            List<String> reads = new ArrayList<>();
            toLookUp.forEach((type, ids) -> ids.forEach(id -> reads.add(type + "/" + id)));
            // a new Patient record is matched against what is stored: two units matching records that could be
            // the same person (any source's) must not both miss the other
            Set<String> people = new java.util.TreeSet<>();
            byKey.values().stream().filter(k -> k.type().equals(PATIENT))
                    .forEach(k -> people.addAll(linking.blockingKeys((Patient) k.entry().resource())));
            lock.lock(source, byKey.keySet(), reads, people);
            toLookUp.forEach((type, ids) -> {
                Map<String, Resource> found = stored.bySourceId(type, source.recordIdSystem(), ids);
                Map<String, String> unified = type.equals(PATIENT) ? unifiedOf(found.values()) : Map.of();
                for (String id : ids) {
                    Resource resource = found.get(id);
                    String storedId = resource == null ? null : resource.getIdElement().getIdPart();
                    if (storedId != null && type.equals(PATIENT)) {
                        storedId = unified.get(storedId);
                    }
                    if (storedId == null) {
                        for (Keyed keyed : lookedUpBy.get(type + "/" + id)) {
                            rejections.add(new IngestReport.Rejection(keyed.entry().label(), keyed.sourceId(),
                                    "the reference " + type + "/" + id + " is neither in this unit nor sent before by this source"));
                        }
                    } else {
                        outside.put(type + "/" + id, type + "/" + storedId);
                    }
                }
            });
            return dependencies;
        }

        private Map<String, String> unifiedOf(java.util.Collection<Resource> records) {
            Map<String, String> result = new HashMap<>();
            links.ofRecords(records.stream().map(r -> r.getIdElement().getIdPart()).toList())
                    .forEach((record, link) -> result.put(record, link.unifiedPatientId()));
            return result;
        }

        /** A reference relative to the source's base ({@code <meta.source>/Type/id}) or as it is. */
        private String relativeOf(String ref) {
            String base = source.uri().toString();
            base = base.endsWith("/") ? base : base + "/";
            return ref.startsWith(base) ? ref.substring(base.length()) : ref;
        }

        /** Entries in an order that stores every referenced entry first (depth first); a cycle is refused. */
        private List<String> order(Map<String, Set<String>> dependencies) {
            List<String> order = new ArrayList<>();
            Set<String> done = new HashSet<>();
            Set<String> visiting = new HashSet<>();
            for (String key : byKey.keySet()) {
                visit(key, dependencies, done, visiting, order);
            }
            return order;
        }

        private void visit(String key, Map<String, Set<String>> dependencies, Set<String> done, Set<String> visiting, List<String> order) {
            if (done.contains(key)) {
                return;
            }
            if (!visiting.add(key)) {
                Keyed keyed = byKey.get(key);
                rejections.add(new IngestReport.Rejection(keyed.entry().label(), keyed.sourceId(), "references form a cycle"));
                done.add(key);
                return;
            }
            for (String needed : dependencies.getOrDefault(key, Set.of())) {
                visit(needed, dependencies, done, visiting, order);
            }
            visiting.remove(key);
            if (done.add(key)) {
                order.add(key);
            }
        }

        /** What the source sent before under the unit's ids, by key. */
        private Map<String, Resource> existing() {
            Map<String, Set<String>> idsByType = new LinkedHashMap<>();
            byKey.values().forEach(k -> idsByType.computeIfAbsent(k.type(), t -> new LinkedHashSet<>()).add(k.sourceId()));
            Map<String, Resource> existing = new HashMap<>();
            idsByType.forEach((type, ids) -> stored.bySourceId(type, source.recordIdSystem(), ids)
                    .forEach((sourceId, resource) -> existing.put(type + "/" + sourceId, resource)));
            return existing;
        }

        private void write(Keyed keyed, Resource previous) {
            if (previous != null && !fromSource(previous, source.uri().toString())) {
                // another source's fact that this source's resource was found to duplicate: kept as that source sent it
                String storedId = keyed.type() + "/" + previous.getIdElement().getIdPart();
                items.add(new IngestReport.Item(keyed.entry().label(), keyed.type(), keyed.sourceId(), IngestReport.Outcome.UNCHANGED, storedId));
                written.put(keyed.key(), storedId);
                return;
            }
            Resource resource = keyed.entry().resource().copy();
            resource.setId(previous == null ? null : keyed.type() + "/" + previous.getIdElement().getIdPart());
            resource.getMeta().setVersionId(null);
            resource.getMeta().setLastUpdated(null);
            resource.getMeta().setSource(source.uri().toString());
            if (resource instanceof Patient) {
                resource.getMeta().addTag(SourceRecords.TAG_SYSTEM, SourceRecords.TAG_CODE, "Source Patient record");
            }
            carrySourceId(resource, keyed.sourceId());
            label(keyed, resource);
            String owner = rewriteReferences(resource);
            String mergedInto = resource instanceof Patient record ? merge(record) : null;
            if (previous != null) {
                keepIdentifiers(previous, resource);
            } else if (owner != null && sharedWithOthers(owner)) {
                // the search must see what this unit wrote before
                entityManager.flush();
                Resource same = duplicates.of(resource, owner, source.uri().toString(), source.recordIdSystem());
                if (same != null) {
                    recordDuplicate(keyed, same, owner);
                    return;
                }
            }
            DaoMethodOutcome outcome = previous == null
                    ? dao(keyed.type()).create(resource, null, true, request, details)
                    : dao(keyed.type()).update(resource, null, true, false, request, details);
            if (previous != null && !outcome.isNop()) {
                flushUpdate();
            }
            String storedId = keyed.type() + "/" + outcome.getId().getIdPart();
            IngestReport.Outcome result = previous == null ? IngestReport.Outcome.CREATED
                    : outcome.isNop() ? IngestReport.Outcome.UNCHANGED : IngestReport.Outcome.UPDATED;
            items.add(new IngestReport.Item(keyed.entry().label(), keyed.type(), keyed.sourceId(), result, storedId));
            if (resource instanceof Patient record) {
                record.setId(storedId);
                String unified = unifiedPatient(keyed, record, mergedInto);
                written.put(keyed.key(), "Patient/" + unified);
                owner = "";
            } else {
                written.put(keyed.key(), storedId);
            }
            if (result != IngestReport.Outcome.UNCHANGED) {
                targets.computeIfAbsent(owner == null ? "" : owner, o -> new LinkedHashSet<>()).add(storedId);
            }
        }

        /**
         * An update is flushed at once. Hibernate orders a flush's inserts by entity in the order each entity
         * first appears (HAPI turns on {@code order_inserts}); an update adds index rows but no resource row, so
         * when it came first the index rows of resources created after it would be inserted before those
         * resources' rows (a foreign-key violation). HAPI's transactions avoid this by creating every resource
         * row before indexing any.
         */
        private void flushUpdate() {
            entityManager.flush();
        }

        /**
         * Whether a record of another source is linked to the unified Patient: if none is, no stored fact about
         * the Patient comes from another source, and a new resource cannot duplicate one (no search needed).
         */
        private boolean sharedWithOthers(String unifiedPatientId) {
            return sharedWithOthers.computeIfAbsent(unifiedPatientId, id -> links.ofUnified(id).stream()
                    .anyMatch(link -> !link.sourceId().equals(source.id())));
        }

        /** Security labels from the resource's codes (ADR 0021), before it is stored or compared with a duplicate. */
        private void label(Keyed keyed, Resource resource) {
            List<String> rules = labeler.label(resource).stream().map(SecurityLabeler.Applied::describe).toList();
            if (!rules.isEmpty()) {
                labelledBy.put(keyed.entry().label(), rules);
            }
            if (!resource.getMeta().getSecurity().isEmpty()) {
                securityByKey.put(keyed.key(), resource.getMeta().getSecurity().stream().map(org.hl7.fhir.r4.model.Coding::copy).toList());
            }
        }

        /**
         * One Provenance per set of security labels among the targets, carrying those labels: a Provenance
         * naming a labelled resource is then hidden from exactly the tokens that resource is hidden from,
         * so no visible Provenance tells that a hidden resource exists (ADR 0021).
         */
        private List<String> provenancesByLabels(Set<String> resources) {
            Map<String, List<org.hl7.fhir.r4.model.Coding>> byStored = new HashMap<>();
            securityByKey.forEach((key, labels) -> {
                if (written.containsKey(key)) {
                    byStored.put(written.get(key), labels);
                }
            });
            Map<String, Set<String>> groups = new LinkedHashMap<>();
            Map<String, List<org.hl7.fhir.r4.model.Coding>> groupLabels = new HashMap<>();
            for (String resource : resources) {
                List<org.hl7.fhir.r4.model.Coding> labels = byStored.getOrDefault(resource, List.of());
                String group = String.join(",", labels.stream().map(c -> c.getSystem() + "|" + c.getCode()).sorted().distinct().toList());
                groups.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(resource);
                groupLabels.putIfAbsent(group, labels);
            }
            List<String> ids = new ArrayList<>();
            groups.forEach((group, members) -> ids.add(provenance(members, groupLabels.get(group))));
            return ids;
        }

        /**
         * A source record is never stored with {@code Patient.link} (that would put it in a unified Patient's
         * compartment). A {@code replaced-by} link is the source merging this record into another of its
         * records (HL7 merge): the record becomes inactive and joins the other record's unified Patient,
         * which is answered (the link's reference was resolved to it with the others).
         */
        private String merge(Patient record) {
            String into = null;
            for (Patient.PatientLinkComponent link : record.getLink()) {
                String other = link.getOther().getReference();
                if (link.getType() == Patient.LinkType.REPLACEDBY && other != null && other.startsWith(PATIENT + "/")) {
                    into = other.substring(PATIENT.length() + 1);
                }
            }
            record.getLink().clear();
            if (into != null) {
                record.setActive(false);
            }
            return into;
        }

        /** The fact is stored already (another source's): it gets this source's id, and this unit's Provenance names it. */
        private void recordDuplicate(Keyed keyed, Resource same, String owner) {
            Resource merged = same.copy();
            merged.getMeta().setVersionId(null);
            merged.getMeta().setLastUpdated(null);
            carrySourceId(merged, keyed.sourceId());
            DaoMethodOutcome outcome = dao(keyed.type()).update(merged, null, true, false, request, details);
            if (!outcome.isNop()) {
                flushUpdate();
            }
            String storedId = keyed.type() + "/" + outcome.getId().getIdPart();
            IngestReport.Outcome result = outcome.isNop() ? IngestReport.Outcome.UNCHANGED : IngestReport.Outcome.UPDATED;
            items.add(new IngestReport.Item(keyed.entry().label(), keyed.type(), keyed.sourceId(), result, storedId));
            written.put(keyed.key(), storedId);
            if (result != IngestReport.Outcome.UNCHANGED) {
                targets.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(storedId);
            }
        }

        /** A resend never drops the ids other sources' duplicates added to the resource. */
        private void keepIdentifiers(Resource previous, Resource resource) {
            List<Identifier> current = identifiers(resource);
            for (Identifier identifier : identifiers(previous)) {
                boolean present = current.stream().anyMatch(i -> Objects.equals(i.getSystem(), identifier.getSystem())
                        && Objects.equals(i.getValue(), identifier.getValue()));
                if (!present && !source.recordIdSystem().equals(identifier.getSystem())) {
                    identifierChild(resource).getMutator().addValue(resource, identifier.copy());
                }
            }
        }

        @SuppressWarnings("unchecked")
        private ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<Resource> dao(String type) {
            return (ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<Resource>) daos.getResourceDao(type);
        }

        private void carrySourceId(Resource resource, String sourceId) {
            for (Identifier identifier : identifiers(resource)) {
                if (source.recordIdSystem().equals(identifier.getSystem()) && sourceId.equals(identifier.getValue())) {
                    return;
                }
            }
            identifierChild(resource).getMutator().addValue(resource,
                    new Identifier().setSystem(source.recordIdSystem()).setValue(sourceId));
        }

        /** Points every reference at what is stored; answers the unified Patient the resource is about, or null. */
        private String rewriteReferences(Resource resource) {
            String owner = null;
            for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                String ref = reference.getReference();
                if (ref == null || ref.isBlank() || ref.startsWith("#")) {
                    continue;
                }
                String key = aliases.get(ref);
                if (key == null) {
                    Matcher relative = RELATIVE.matcher(relativeOf(ref));
                    if (relative.matches()) {
                        key = aliases.get(relative.group(1) + "/" + relative.group(2));
                        ref = relative.group(1) + "/" + relative.group(2);
                    }
                }
                // every reference was resolved (or refused) before anything was written
                String target = key != null ? written.get(key) : outside.get(ref);
                reference.setReference(target);
                // the parser links a bundle-internal reference to the entry's resource object; left linked,
                // HAPI contains a copy of an id-less target instead of referring to the stored one
                reference.setResource(null);
                if (owner == null && target != null && target.startsWith(PATIENT + "/")) {
                    owner = target.substring(PATIENT.length() + 1);
                }
            }
            return owner;
        }

        /** The unified Patient of a source record ({@link PatientLinking}); what it created or changed goes in the report. */
        private String unifiedPatient(Keyed keyed, Patient record, String mergedInto) {
            // the matcher searches, and the links refer to stored Patients
            entityManager.flush();
            PatientLinking.Linked linked = linking.link(source, record, mergedInto);
            for (PatientLinking.Change change : linked.changes()) {
                String reference = PATIENT + "/" + change.unifiedPatientId();
                items.add(new IngestReport.Item("unified Patient of " + keyed.entry().label(), PATIENT, null, change.outcome(), reference));
                targets.computeIfAbsent(change.unifiedPatientId(), o -> new LinkedHashSet<>()).add(reference);
            }
            return linked.unifiedPatientId();
        }

        private String provenance(Set<String> resources, List<org.hl7.fhir.r4.model.Coding> labels) {
            var provenance = Provenances.of(resources, source, porticoOrganization.get(), Date.from(clock.instant()));
            labels.forEach(label -> provenance.getMeta().addSecurity(label.copy()));
            return "Provenance/" + dao("Provenance").create(provenance, null, true, request, details).getId().getIdPart();
        }
    }
}
