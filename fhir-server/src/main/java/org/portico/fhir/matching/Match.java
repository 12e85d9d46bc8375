package org.portico.fhir.matching;

import java.util.List;

/**
 * The comparison of two records.
 *
 * @param score    the sum of the Fellegi-Sunter weights (log2 likelihood ratios) of the compared fields
 * @param decision what the score and the guards support
 * @param evidence one line per compared field, e.g. {@code birthDate=exact(+14.8)}; no PHI, fit for an
 *                 operator's review queue and the link table
 * @param guard    why a high score was not enough to link (a missing agreement), or null
 * @param sharedIdentifier whether an identifier of one record is the other's too (same system and value)
 */
public record Match(double score, MatchDecision decision, List<String> evidence, String guard, boolean sharedIdentifier) {}
