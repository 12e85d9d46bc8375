package org.portico.fhir.matching;

import java.util.List;
import org.hl7.fhir.r4.model.Patient;

/** Where {@link ScoringMatcher} finds already linked source records (blocking), as stored. */
public interface Candidates {

    /** A linked source Patient record and the unified Patient it belongs to. */
    record Candidate(String unifiedPatientId, String sourceId, Patient record) {}

    /** Linked source records carrying the identifier {@code system|value}. */
    List<Candidate> withIdentifier(String system, String value);

    /** Linked source records born on the date ({@code YYYY-MM-DD}). */
    List<Candidate> bornOn(String birthDate);
}
