package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.portico.fhir.matching.MatchReviews;
import org.portico.fhir.matching.PatientLinks;
import org.portico.fhir.matching.PatientMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which unified Patient a source's Patient record belongs to (ADR 0017), in the caller's transaction:
 * its link if it has one, a merge its source asked for ({@code Patient.link} {@code replaced-by}), or the
 * matcher's decision; an ambiguous decision is a person of its own plus a review queue entry per
 * person it might be. Also what the operator's decisions need: moving a record to another person and
 * keeping the unified Patients' identifiers in step with the records linked to them.
 */
final class PatientLinking {

    /** A unified Patient created or changed on the way, for the unit's report and Provenance. */
    record Change(String unifiedPatientId, IngestReport.Outcome outcome) {}

    /** The record's unified Patient and what changed to get there. */
    record Linked(String unifiedPatientId, List<Change> changes) {}

    private static final String PATIENT = "Patient";
    private static final Logger log = LoggerFactory.getLogger(PatientLinking.class);

    private final DaoRegistry daos;
    private final EntityManager entityManager;
    private final PatientLinks links;
    private final MatchReviews reviews;
    private final PatientMatcher matcher;
    private final SourceRegistry registry;
    private final Relinker relinker;
    private final Clock clock;

    PatientLinking(DaoRegistry daos, EntityManager entityManager, PatientLinks links, MatchReviews reviews, PatientMatcher matcher,
            SourceRegistry registry, Relinker relinker, Clock clock) {
        this.daos = daos;
        this.entityManager = entityManager;
        this.links = links;
        this.reviews = reviews;
        this.matcher = matcher;
        this.registry = registry;
        this.relinker = relinker;
        this.clock = clock;
    }

    /**
     * @param record     the stored source record (its id set)
     * @param mergedInto the unified Patient of the record its source says replaced it, or null
     */
    Linked link(Source source, Patient record, String mergedInto) {
        String recordId = record.getIdElement().getIdPart();
        Optional<PatientLinks.Link> link = links.of(source.id(), recordId);
        List<Change> changes = new ArrayList<>();
        if (mergedInto != null) {
            String evidence = "merged by the source: replaced by a record of Patient/" + mergedInto;
            if (link.isPresent() && link.get().unifiedPatientId().equals(mergedInto)) {
                return new Linked(mergedInto, changes);
            }
            if (link.isPresent()) {
                move(source, recordId, link.get().unifiedPatientId(), mergedInto, evidence, "source " + source.id(), changes);
            } else {
                links.insert(new PatientLinks.Link(source.id(), recordId, mergedInto, PatientLinks.LINKED, evidence),
                        "source " + source.id(), clock.instant());
                if (addIdentifiers(mergedInto, record, source)) {
                    changes.add(new Change(mergedInto, IngestReport.Outcome.UPDATED));
                }
            }
            reviews.closeOpen(source.id(), recordId, "source " + source.id(), clock.instant());
            return new Linked(mergedInto, changes);
        }
        if (link.isPresent()) {
            return new Linked(link.get().unifiedPatientId(), changes);
        }
        // the matcher's searches and reads run in HAPI's own transaction handling: nothing may be left unflushed
        entityManager.flush();
        PatientMatcher.Decision decision = matcher.decide(record, source.id());
        String unified;
        if (decision instanceof PatientMatcher.SamePerson same) {
            unified = same.unifiedPatientId();
            if (addIdentifiers(unified, record, source)) {
                changes.add(new Change(unified, IngestReport.Outcome.UPDATED));
            }
        } else {
            unified = newUnified(record, source);
            changes.add(new Change(unified, IngestReport.Outcome.CREATED));
            for (String candidate : ((PatientMatcher.NewPerson) decision).review()) {
                reviews.queue(source.id(), recordId, candidate, decision.evidence(), clock.instant());
            }
        }
        links.insert(new PatientLinks.Link(source.id(), recordId, unified, PatientLinks.LINKED, decision.evidence()),
                "matcher", clock.instant());
        log.debug("source record linked: source={} record={} unified={} evidence={}", source.id(), recordId, unified, decision.evidence());
        return new Linked(unified, changes);
    }

    /** What a record that may be matched is held by while it is linked ({@link PatientMatcher#blockingKeys}). */
    java.util.Set<String> blockingKeys(Patient record) {
        return matcher.blockingKeys(record);
    }

    /** Moves a linked record and what its source contributed to another unified Patient; both Patients follow. */
    Relinker.Moved move(Source source, String recordId, String from, String to, String evidence, String decidedBy, List<Change> changes) {
        Relinker.Moved moved = relinker.move(source, from, to);
        links.relink(new PatientLinks.Link(source.id(), recordId, to, PatientLinks.LINKED, evidence), decidedBy, clock.instant());
        Patient record = (Patient) dao().read(new IdType(PATIENT, recordId), new SystemRequestDetails());
        if (addIdentifiers(to, record, source)) {
            changes.add(new Change(to, IngestReport.Outcome.UPDATED));
        }
        if (refresh(from)) {
            changes.add(new Change(from, IngestReport.Outcome.UPDATED));
        }
        return moved;
    }

    /** A unified Patient of its own for the record. */
    String newUnified(Patient record, Source source) {
        Patient person = UnifiedPatients.from(record, source.recordIdSystem());
        String unified = dao().create(person, new SystemRequestDetails()).getId().getIdPart();
        entityManager.flush();
        return unified;
    }

    /** Adds the record's identifiers to the unified Patient; answers whether it changed. */
    boolean addIdentifiers(String unifiedId, Patient record, Source source) {
        Patient unified = (Patient) dao().read(new IdType(PATIENT, unifiedId), new SystemRequestDetails());
        if (!UnifiedPatients.addIdentifiers(unified, record, source.recordIdSystem())) {
            return false;
        }
        return save(unified);
    }

    /**
     * The unified Patient's identifiers become those of the records still linked to it; with none left
     * it is inactive (its id stays valid: apps that knew it read an empty, inactive record).
     */
    boolean refresh(String unifiedId) {
        Patient unified = (Patient) dao().read(new IdType(PATIENT, unifiedId), new SystemRequestDetails());
        List<PatientLinks.Link> remaining = links.ofUnified(unifiedId);
        unified.getIdentifier().clear();
        for (PatientLinks.Link link : remaining) {
            Patient record = (Patient) dao().read(new IdType(PATIENT, link.sourceRecordId()), new SystemRequestDetails());
            registry.byId(link.sourceId()).ifPresent(s -> UnifiedPatients.addIdentifiers(unified, record, s.recordIdSystem()));
        }
        unified.setActive(!remaining.isEmpty());
        return save(unified);
    }

    private boolean save(Patient unified) {
        unified.getMeta().setVersionId(null);
        unified.getMeta().setLastUpdated(null);
        DaoMethodOutcome outcome = dao().update(unified, new SystemRequestDetails());
        entityManager.flush();
        return !outcome.isNop();
    }

    @SuppressWarnings("unchecked")
    private IFhirResourceDao<Patient> dao() {
        return (IFhirResourceDao<Patient>) (IFhirResourceDao<?>) daos.getResourceDao(PATIENT);
    }
}
