package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.portico.fhir.matching.MatchReviews;
import org.portico.fhir.matching.PatientLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's decisions on links (ADR 0017), each in one transaction with the source's units held
 * off (the source's row is locked, as an ingest unit locks it):
 * <ul>
 * <li>confirm a queued pair: the record and what its source contributed move to the queued person;</li>
 * <li>reject a queued pair: kept apart, never proposed again;</li>
 * <li>undo a link (the matcher's, a confirmation or a source's merge): the record and what its source
 * contributed move to a new unified Patient of their own, and the pair is never proposed again.</li>
 * </ul>
 * Every decision is recorded in the link table and the review queue with who made it, and the request
 * itself in the audit log.
 */
public final class LinkDecisions {

    /** What a decision did. {@code from} and {@code to} are unified Patient ids (null when nothing moved). */
    public record Outcome(MatchReviews.Review review, String record, String from, String to, Relinker.Moved moved) {}

    private static final Logger log = LoggerFactory.getLogger(LinkDecisions.class);

    private final DaoRegistry daos;
    private final TransactionTemplate transactions;
    private final SourceRegistry registry;
    private final PatientLinks links;
    private final MatchReviews reviews;
    private final PatientLinking linking;
    private final Clock clock;

    LinkDecisions(DaoRegistry daos, TransactionTemplate transactions, SourceRegistry registry, PatientLinks links, MatchReviews reviews,
            PatientLinking linking, Clock clock) {
        this.daos = daos;
        this.transactions = transactions;
        this.registry = registry;
        this.links = links;
        this.reviews = reviews;
        this.linking = linking;
        this.clock = clock;
    }

    public List<MatchReviews.Review> queue() {
        return reviews.open();
    }

    public Outcome confirm(String reviewId, String operator) {
        return transactions.execute(status -> {
            MatchReviews.Review review = openReview(reviewId);
            Source source = lockedSource(review.sourceId());
            PatientLinks.Link link = links.of(source.id(), review.sourceRecordId())
                    .orElseThrow(() -> new UnprocessableEntityException("The record of review " + reviewId + " is not linked"));
            requireActive(review.candidatePatientId());
            String from = link.unifiedPatientId();
            requireSoleRecordOfSource(source, review.sourceRecordId(), from);
            Relinker.Moved moved = null;
            if (!from.equals(review.candidatePatientId())) {
                moved = linking.move(source, review.sourceRecordId(), from, review.candidatePatientId(),
                        "confirmed by an operator: " + review.evidence(), operator, new ArrayList<>());
            }
            reviews.decide(review.id(), MatchReviews.CONFIRMED, operator, clock.instant());
            reviews.closeOpen(source.id(), review.sourceRecordId(), operator, clock.instant());
            log.info("match confirmed: review={} source={} record={} from={} to={} by={}", review.id(), source.id(),
                    review.sourceRecordId(), from, review.candidatePatientId(), operator);
            return new Outcome(review, review.sourceRecordId(), from, review.candidatePatientId(), moved);
        });
    }

    public Outcome reject(String reviewId, String operator) {
        return transactions.execute(status -> {
            MatchReviews.Review review = openReview(reviewId);
            reviews.decide(review.id(), MatchReviews.REJECTED, operator, clock.instant());
            log.info("match rejected: review={} source={} record={} candidate={} by={}", review.id(), review.sourceId(),
                    review.sourceRecordId(), review.candidatePatientId(), operator);
            return new Outcome(review, review.sourceRecordId(), null, null, null);
        });
    }

    /** Undoes the link of the source record {@code recordId} to the unified Patient {@code unifiedId}. */
    public Outcome undo(String recordId, String unifiedId, String operator) {
        return transactions.execute(status -> {
            PatientLinks.Link link = links.ofRecords(List.of(recordId)).get(recordId);
            if (link == null) {
                throw new ResourceNotFoundException("Patient/" + recordId + " is not a source's Patient record");
            }
            if (!link.unifiedPatientId().equals(unifiedId)) {
                throw new UnprocessableEntityException("Patient/" + recordId + " is not linked to Patient/" + unifiedId
                        + ": there is no such link to undo");
            }
            Source source = lockedSource(link.sourceId());
            if (links.ofUnified(unifiedId).size() < 2) {
                throw new UnprocessableEntityException("Patient/" + recordId + " is the only record of Patient/" + unifiedId
                        + ": it is linked to no other record, there is no link to undo");
            }
            requireSoleRecordOfSource(source, recordId, unifiedId);
            Patient record = (Patient) daos.getResourceDao("Patient").read(new IdType("Patient", recordId), new SystemRequestDetails());
            String own = linking.newUnified(record, source);
            Relinker.Moved moved = linking.move(source, recordId, unifiedId, own, "undone by an operator (was: " + link.evidence() + ")",
                    operator, new ArrayList<>());
            reviews.reject(source.id(), recordId, unifiedId, "link undone by an operator", operator, clock.instant());
            log.info("link undone: source={} record={} from={} to={} by={}", source.id(), recordId, unifiedId, own, operator);
            return new Outcome(null, recordId, unifiedId, own, moved);
        });
    }

    private MatchReviews.Review openReview(String reviewId) {
        MatchReviews.Review review = reviews.byId(reviewId)
                .orElseThrow(() -> new ResourceNotFoundException("No review " + reviewId));
        if (!MatchReviews.OPEN.equals(review.state())) {
            throw new UnprocessableEntityException("Review " + reviewId + " is " + review.state() + " already");
        }
        return review;
    }

    private Source lockedSource(String sourceId) {
        Source source = registry.byId(sourceId).orElseThrow(() -> new ResourceNotFoundException("No source " + sourceId));
        registry.lock(source);
        return source;
    }

    /**
     * What a source sent is told apart by source, not by which of its records it came through: a record
     * that shares its person with another record of the same source (a merge) cannot be moved alone.
     */
    private void requireSoleRecordOfSource(Source source, String recordId, String unifiedId) {
        boolean shared = links.ofUnified(unifiedId).stream()
                .anyMatch(l -> l.sourceId().equals(source.id()) && !l.sourceRecordId().equals(recordId));
        if (shared) {
            throw new UnprocessableEntityException("Patient/" + recordId + " shares Patient/" + unifiedId
                    + " with another record of the same source (a merge); their data cannot be told apart, so it is not moved");
        }
    }

    private void requireActive(String unifiedId) {
        try {
            Patient person = (Patient) daos.getResourceDao("Patient").read(new IdType("Patient", unifiedId), new SystemRequestDetails());
            if (person.hasActive() && !person.getActive()) {
                throw new UnprocessableEntityException("Patient/" + unifiedId + " is inactive (its records moved elsewhere)");
            }
        } catch (ResourceGoneException | ResourceNotFoundException gone) {
            throw new UnprocessableEntityException("Patient/" + unifiedId + " no longer exists");
        }
    }
}
