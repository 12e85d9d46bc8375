package org.portico.fhir.matching;

import org.hl7.fhir.r4.model.Patient;

/**
 * Decides which person a source's Patient record is (ADR 0017): one already known (its unified
 * Patient) or a new one. The ingest path asks only for records it has not linked before; a resend of
 * a linked record keeps its link. {@link ScoringMatcher} decides; an ambiguous decision names the people
 * an operator is asked about (the review queue, {@link MatchReviews}).
 */
public interface PatientMatcher {

    /** The decision, with the evidence that an operator reads in the link table. */
    sealed interface Decision permits SamePerson, NewPerson {
        String evidence();
    }

    /** The record is the person of an existing unified Patient. */
    record SamePerson(String unifiedPatientId, String evidence) implements Decision {}

    /**
     * No known person matches with strong evidence: the record gets a unified Patient of its own.
     * {@code review} names the unified Patients it might be (ambiguous evidence): an operator decides.
     */
    record NewPerson(String evidence, java.util.List<String> review) implements Decision {
        public NewPerson {
            review = java.util.List.copyOf(review);
        }

        public NewPerson(String evidence) {
            this(evidence, java.util.List.of());
        }
    }

    /**
     * @param record   the source's Patient record as it will be stored
     * @param sourceId the source that sent it
     */
    Decision decide(Patient record, String sourceId);

    /**
     * What two records must have in common for either to be a candidate for the other (the matcher's
     * blocking keys): records with no key in common can be matched at the same time without either
     * missing the other; the ingest path holds these keys while it matches and links (ADR 0023).
     */
    java.util.Set<String> blockingKeys(Patient record);
}
