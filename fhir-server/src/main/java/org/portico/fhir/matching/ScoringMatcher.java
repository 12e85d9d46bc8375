package org.portico.fhir.matching;

import java.time.LocalDate;
import java.time.DateTimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The scoring matcher (ADR 0017): candidates are the linked records that share an identifier with the
 * incoming one or were born on its birth date (or that date with day and month swapped, the
 * commonest typo); each is scored by {@link MatchScorer}, and a person is the best of their records. The
 * record joins a person only when exactly one person's evidence is a {@link MatchDecision#LINK}; when it
 * fits several, or only well enough for review, it becomes a person of its own and the evidence says
 * "review" for the operator (nothing is merged on weak or ambiguous evidence).
 */
public final class ScoringMatcher implements PatientMatcher {

    private final Candidates candidates;
    private final MatchScorer scorer;

    public ScoringMatcher(Candidates candidates, MatchScorer scorer) {
        this.candidates = candidates;
        this.scorer = scorer;
    }

    @Override
    public Decision decide(Patient record, String sourceId) {
        PersonRecord incoming = PersonRecord.of(record, Set.of());
        Map<String, Match> bestByPerson = new LinkedHashMap<>();
        for (Candidates.Candidate candidate : candidatesFor(record, incoming)) {
            Match match = scorer.compare(incoming, PersonRecord.of(candidate.record(), Set.of()));
            bestByPerson.merge(candidate.unifiedPatientId(), match, (a, b) -> a.score() >= b.score() ? a : b);
        }
        List<Map.Entry<String, Match>> links = bestByPerson.entrySet().stream()
                .filter(e -> e.getValue().decision() == MatchDecision.LINK).toList();
        // an identifier of the record that also belongs to someone the evidence does not link is a conflict
        // (a mistyped cross-reference, a shared family number): an operator decides
        long conflicts = bestByPerson.values().stream()
                .filter(m -> m.decision() != MatchDecision.LINK && m.sharedIdentifier()).count();
        if (links.size() == 1 && conflicts > 0) {
            List<String> review = new java.util.ArrayList<>();
            review.add(links.get(0).getKey());
            bestByPerson.forEach((person, m) -> {
                if (m.decision() != MatchDecision.LINK && m.sharedIdentifier()) {
                    review.add(person);
                }
            });
            return new NewPerson("review: an identifier also belongs to " + conflicts + " other person(s); score "
                    + links.get(0).getValue().score() + ": " + String.join(" ", links.get(0).getValue().evidence()), review);
        }
        if (links.size() == 1) {
            Match match = links.get(0).getValue();
            return new SamePerson(links.get(0).getKey(), "score " + match.score() + ": " + String.join(" ", match.evidence()));
        }
        if (links.size() > 1) {
            return new NewPerson("review: the evidence fits " + links.size() + " people",
                    links.stream().map(Map.Entry::getKey).toList());
        }
        return bestByPerson.entrySet().stream()
                .filter(e -> e.getValue().decision() == MatchDecision.REVIEW)
                .max((a, b) -> Double.compare(a.getValue().score(), b.getValue().score()))
                .<Decision>map(e -> new NewPerson("review: score " + e.getValue().score()
                        + (e.getValue().guard() == null ? "" : " (" + e.getValue().guard() + ")") + ": "
                        + String.join(" ", e.getValue().evidence()), List.of(e.getKey())))
                .orElseGet(() -> new NewPerson(bestByPerson.isEmpty() ? "no candidate" : "no match among "
                        + bestByPerson.size() + " candidates"));
    }

    private List<Candidates.Candidate> candidatesFor(Patient record, PersonRecord incoming) {
        Map<String, Candidates.Candidate> found = new LinkedHashMap<>();
        for (Identifier identifier : record.getIdentifier()) {
            String system = identifier.getSystem();
            if (system != null && identifier.getValue() != null) {
                candidates.withIdentifier(system, identifier.getValue()).forEach(c -> found.putIfAbsent(key(c), c));
            }
        }
        LocalDate born = incoming.birthDate();
        if (born != null) {
            candidates.bornOn(born.toString()).forEach(c -> found.putIfAbsent(key(c), c));
            swapped(born).ifPresent(date -> candidates.bornOn(date.toString()).forEach(c -> found.putIfAbsent(key(c), c)));
        }
        return List.copyOf(found.values());
    }

    /** The identifiers and the birth date (and its day-month swap) by which {@link #candidatesFor} finds candidates. */
    @Override
    public java.util.Set<String> blockingKeys(Patient record) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (Identifier identifier : record.getIdentifier()) {
            if (identifier.getSystem() != null && identifier.getValue() != null) {
                keys.add("identifier|" + identifier.getSystem() + "|" + identifier.getValue());
            }
        }
        LocalDate born = PersonRecord.of(record, Set.of()).birthDate();
        if (born != null) {
            // a record born on d finds those born on d and on swap(d); swap is its own inverse
            keys.add("born|" + born);
            swapped(born).ifPresent(date -> keys.add("born|" + date));
        }
        return keys;
    }

    private static String key(Candidates.Candidate c) {
        return c.unifiedPatientId() + "|" + c.sourceId() + "|" + c.record().getIdElement().toUnqualifiedVersionless().getValue();
    }

    private static java.util.Optional<LocalDate> swapped(LocalDate date) {
        if (date.getDayOfMonth() > 12 || date.getDayOfMonth() == date.getMonthValue()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(LocalDate.of(date.getYear(), date.getDayOfMonth(), date.getMonthValue()));
        } catch (DateTimeException e) {
            return java.util.Optional.empty();
        }
    }
}
