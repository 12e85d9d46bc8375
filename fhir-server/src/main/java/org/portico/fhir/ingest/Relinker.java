package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Moves what one source contributed to a unified Patient to another unified Patient (ADR 0017): an
 * operator confirming a queued match or undoing a link, a source merging two of its records. In the
 * caller's transaction. What the source contributed is found by what it left on the stored resources:
 * <ul>
 * <li>its own resources ({@code meta.source}) about the patient: their references move; one that
 * states a fact the target patient already has (another source's, {@link Duplicates}) is folded into
 * that resource (which gets the source's id) and deleted;</li>
 * <li>another source's resource that this source's resource was folded into (it carries the source's
 * id): split back, the other source keeps its resource, this source gets a copy under the target;</li>
 * <li>the source's Provenances: their targets follow (the patient, folded and split resources), so
 * every fact keeps its sources.</li>
 * </ul>
 * Nothing is lost: every resource the source sent stays findable by its id after the move.
 */
final class Relinker {

    /** What a move did, for the operator's answer. */
    record Moved(List<String> moved, List<String> split, List<String> folded) {}

    private static final String PATIENT = "Patient/";

    private final FhirContext fhir;
    private final DaoRegistry daos;
    private final EntityManager entityManager;
    private final JdbcTemplate jdbc;
    private final Duplicates duplicates;
    private final Supplier<Set<String>> recordIdSystems;

    Relinker(FhirContext fhir, DaoRegistry daos, EntityManager entityManager, JdbcTemplate jdbc, Supplier<Set<String>> recordIdSystems) {
        this.fhir = fhir;
        this.daos = daos;
        this.entityManager = entityManager;
        this.jdbc = jdbc;
        this.duplicates = new Duplicates(daos);
        this.recordIdSystems = recordIdSystems;
    }

    Moved move(Source source, String from, String to) {
        SystemRequestDetails request = new SystemRequestDetails();
        entityManager.flush();
        String uri = source.uri().toString();
        Map<String, String> replace = new HashMap<>();
        replace.put(PATIENT + from, PATIENT + to);
        List<Resource> own = new ArrayList<>();
        List<Resource> shared = new ArrayList<>();
        for (String reference : referrers(PATIENT + from)) {
            if (reference.startsWith("Provenance/") || reference.startsWith(PATIENT)) {
                continue;
            }
            Resource resource = read(reference, request);
            if (Ingestor.fromSource(resource, uri)) {
                own.add(resource);
            } else if (!carried(resource, source.recordIdSystem()).isEmpty()) {
                shared.add(resource);
            }
        }
        Set<String> provenanceTargets = new LinkedHashSet<>(List.of(PATIENT + from));
        List<String> moved = new ArrayList<>();
        List<String> split = new ArrayList<>();
        List<String> folded = new ArrayList<>();
        List<Resource> toDelete = new ArrayList<>();

        // another source's resource that holds this source's fact too: each source keeps its own (first, so
        // that the source's resources referring to it refer to the source's copy)
        Set<String> others = recordIdSystems.get();
        for (Resource resource : shared) {
            String id = reference(resource);
            provenanceTargets.add(id);
            List<Identifier> ours = carried(resource, source.recordIdSystem());
            Resource theirs = resource.copy();
            setIdentifiers(theirs, Ingestor.identifiers(resource).stream()
                    .filter(i -> !source.recordIdSystem().equals(i.getSystem())).toList());
            update(theirs, request);
            Resource copy = rewritten(resource, replace);
            copy.setId((String) null);
            copy.getMeta().setVersionId(null);
            copy.getMeta().setLastUpdated(null);
            setIdentifiers(copy, Ingestor.identifiers(resource).stream()
                    .filter(i -> i.getSystem() == null || !others.contains(i.getSystem())).toList());
            addIdentifiers(copy, ours);
            copy.getMeta().setSource(source.uri().toString());
            Resource same = duplicates.of(copy, to, uri, source.recordIdSystem());
            if (same != null) {
                addIdentifiers(same, ours);
                update(same, request);
                replace.put(id, reference(same));
                split.add(id + " -> " + reference(same));
            } else {
                String created = copy.fhirType() + "/" + dao(copy.fhirType()).create(copy, request).getId().getIdPart();
                entityManager.flush();
                replace.put(id, created);
                split.add(id + " -> " + created);
            }
        }
        // the source's own facts that the target patient has already (from another source) are folded into those
        List<Resource> staying = new ArrayList<>();
        for (Resource resource : own) {
            String id = reference(resource);
            provenanceTargets.add(id);
            Resource candidate = rewritten(resource, replace);
            Resource same = duplicates.of(candidate, to, uri, source.recordIdSystem());
            if (same == null) {
                staying.add(resource);
                continue;
            }
            addIdentifiers(same, carried(resource, source.recordIdSystem()));
            update(same, request);
            replace.put(id, reference(same));
            toDelete.add(resource);
            folded.add(id + " -> " + reference(same));
        }
        for (Resource resource : staying) {
            update(rewritten(resource, replace), request);
            moved.add(reference(resource));
        }
        // the source's Provenances follow what they name
        Set<String> provenances = new LinkedHashSet<>();
        provenanceTargets.forEach(target -> referrers(target).stream().filter(r -> r.startsWith("Provenance/")).forEach(provenances::add));
        for (String id : provenances) {
            Provenance provenance = (Provenance) read(id, request);
            boolean authored = provenance.getAgent().stream()
                    .anyMatch(a -> source.organizationReference().equals(a.getWho().getReference()) && isAuthor(a));
            if (!authored) {
                continue;
            }
            Set<String> targets = new LinkedHashSet<>();
            provenance.getTarget().forEach(t -> targets.add(replace.getOrDefault(t.getReference(), t.getReference())));
            provenance.getTarget().clear();
            targets.forEach(t -> provenance.addTarget(new Reference(t)));
            update(provenance, request);
        }
        for (Resource resource : toDelete) {
            dao(resource.fhirType()).delete(resource.getIdElement().toUnqualifiedVersionless(), request);
        }
        entityManager.flush();
        return new Moved(moved, split, folded);
    }

    private static boolean isAuthor(Provenance.ProvenanceAgentComponent agent) {
        return agent.getType().getCoding().stream().anyMatch(c -> "author".equals(c.getCode()));
    }

    /** The {@code Type/id} of every current resource that refers to {@code reference}, from HAPI's reference index. */
    List<String> referrers(String reference) {
        int slash = reference.indexOf('/');
        return jdbc.query("SELECT DISTINCT r.res_type, r.fhir_id FROM hfj_res_link l JOIN hfj_resource r ON r.res_id = l.src_resource_id"
                        + " WHERE l.target_resource_id IN (SELECT t.res_id FROM hfj_resource t WHERE t.res_type = ? AND t.fhir_id = ?)"
                        + " AND r.res_deleted_at IS NULL ORDER BY r.res_type, r.fhir_id",
                (rs, i) -> rs.getString(1) + "/" + rs.getString(2), reference.substring(0, slash), reference.substring(slash + 1));
    }

    private Resource rewritten(Resource resource, Map<String, String> replace) {
        Resource copy = resource.copy();
        FhirTerser terser = fhir.newTerser();
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(copy, Reference.class)) {
            String target = replace.get(reference.getReference());
            if (target != null) {
                reference.setReference(target);
            }
        }
        return copy;
    }

    private static List<Identifier> carried(Resource resource, String system) {
        return Ingestor.identifiers(resource).stream().filter(i -> system.equals(i.getSystem())).toList();
    }

    private static void addIdentifiers(Resource resource, List<Identifier> identifiers) {
        List<Identifier> present = Ingestor.identifiers(resource);
        for (Identifier identifier : identifiers) {
            boolean known = present.stream().anyMatch(i -> java.util.Objects.equals(i.getSystem(), identifier.getSystem())
                    && java.util.Objects.equals(i.getValue(), identifier.getValue()));
            if (!known) {
                Ingestor.identifierChild(resource).getMutator().addValue(resource, identifier.copy());
            }
        }
    }

    private Resource read(String reference, SystemRequestDetails request) {
        IdType id = new IdType(reference);
        return (Resource) dao(id.getResourceType()).read(id, request);
    }

    private void update(Resource resource, SystemRequestDetails request) {
        resource.getMeta().setVersionId(null);
        resource.getMeta().setLastUpdated(null);
        resource.setId(resource.getIdElement().toUnqualifiedVersionless());
        dao(resource.fhirType()).update(resource, request);
        entityManager.flush();
    }

    private static String reference(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    @SuppressWarnings("unchecked")
    private IFhirResourceDao<Resource> dao(String type) {
        return (IFhirResourceDao<Resource>) daos.getResourceDao(type);
    }

    /** Replaces the resource's identifiers. */
    private static void setIdentifiers(Resource resource, List<Identifier> identifiers) {
        var child = Ingestor.identifierChild(resource);
        child.getMutator().setValue(resource, null);
        identifiers.forEach(i -> child.getMutator().addValue(resource, i.copy()));
    }
}
