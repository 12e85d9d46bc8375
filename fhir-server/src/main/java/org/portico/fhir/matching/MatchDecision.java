package org.portico.fhir.matching;

/** What the evidence between two Patient records from different sources supports. */
public enum MatchDecision {
    /** the same person: link the records to one unified Patient */
    LINK,
    /** perhaps the same person: keep them apart and queue the pair for an operator */
    REVIEW,
    /** different people */
    DISTINCT
}
