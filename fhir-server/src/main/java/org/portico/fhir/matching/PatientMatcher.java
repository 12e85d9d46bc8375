package org.portico.fhir.matching;

import org.hl7.fhir.r4.model.Patient;

/**
 * Decides which person a source's Patient record is (ADR 0017): one already known (its unified
 * Patient) or a new one. The ingest path asks only for records it has not linked before; a resend of
 * a linked record keeps its link. {@link ScoringMatcher} decides; the review queue (an operator confirming,
 * rejecting or undoing a link) is still to come.
 */
public interface PatientMatcher {

    /** The decision, with the evidence that an operator reads in the link table. */
    sealed interface Decision permits SamePerson, NewPerson {
        String evidence();
    }

    /** The record is the person of an existing unified Patient. */
    record SamePerson(String unifiedPatientId, String evidence) implements Decision {}

    /** No known person matches with strong evidence: the record gets a unified Patient of its own. */
    record NewPerson(String evidence) implements Decision {}

    /**
     * @param record   the source's Patient record as it will be stored
     * @param sourceId the source that sent it
     */
    Decision decide(Patient record, String sourceId);
}
