package org.portico.fhir.matching;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * Record linkage between two sources' Patient records, Fellegi-Sunter style (ADR 0017): each field
 * compared on a few levels, each level weighted by log2(m/u), where m is how often the level occurs when
 * the records are the same person and u when they are not; the sum is the score.
 *
 * <p>A score alone never links: {@link MatchDecision#LINK} also needs agreement (exact or close) on family
 * name, given name and birth date, no disagreement on sex or on an identifier both sources share (SSN,
 * driver's licence, passport), and at least one agreement beyond name, birth date and sex (an identifier,
 * phone, email, street or ZIP; a middle name is part of the name): two people can share a name and a
 * birthday. A pair that
 * scores high but misses a guard is {@link MatchDecision#REVIEW}, so nothing is merged on weak evidence.
 *
 * <p>The m/u values are estimates for a US regional population after blocking on birth date or on the
 * family name's sound, not fitted to any data set; the thresholds were checked against the multi-EHR
 * sample data and generated variations of it (MatchScorerTest).
 */
public final class MatchScorer {

    public static final double LINK_THRESHOLD = 24.0;
    public static final double REVIEW_THRESHOLD = 10.0;

    enum Level { EXACT, CLOSE, DISAGREE, MISSING }

    /** log2(m/u) for exact and close agreement, log2((1-m)/(1-u))-style weight for disagreement. */
    record Weights(double exact, double close, double disagree) {
        double of(Level level) {
            return switch (level) {
                case EXACT -> exact;
                case CLOSE -> close;
                case DISAGREE -> disagree;
                case MISSING -> 0;
            };
        }
    }

    static final Weights IDENTIFIER = new Weights(lg(0.98, 1e-6), lg(0.98, 1e-6), lg(0.01, 1.0));
    static final Weights FAMILY = new Weights(lg(0.90, 0.005), lg(0.07, 0.02), lg(0.03, 0.975));
    static final Weights GIVEN = new Weights(lg(0.90, 0.01), lg(0.08, 0.03), lg(0.02, 0.96));
    static final Weights MIDDLE = new Weights(lg(0.80, 0.05), lg(0.15, 0.10), lg(0.05, 0.85));
    static final Weights BIRTH_DATE = new Weights(lg(0.97, 3.4e-5), lg(0.02, 0.001), lg(0.01, 0.999));
    static final Weights SEX = new Weights(lg(0.99, 0.5), lg(0.99, 0.5), lg(0.01, 0.5));
    static final Weights ZIP = new Weights(lg(0.70, 0.01), lg(0.70, 0.01), lg(0.30, 0.99));
    static final Weights STREET = new Weights(lg(0.60, 0.001), lg(0.05, 0.005), lg(0.35, 0.994));
    static final Weights PHONE = new Weights(lg(0.70, 1e-4), lg(0.70, 1e-4), lg(0.30, 0.9999));
    static final Weights EMAIL = new Weights(lg(0.70, 1e-5), lg(0.70, 1e-5), lg(0.30, 1.0));

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();
    private static final DoubleMetaphone METAPHONE = new DoubleMetaphone();

    private final Nicknames nicknames;

    public MatchScorer(Nicknames nicknames) {
        this.nicknames = nicknames;
    }

    public Match compare(PersonRecord a, PersonRecord b) {
        List<String> evidence = new ArrayList<>();
        double score = 0;

        Level identifiers = identifiers(a.identifiers(), b.identifiers());
        score += add(evidence, "identifier", identifiers, IDENTIFIER);
        Level family = family(a.families(), b.families());
        score += add(evidence, "family", family, FAMILY);
        Level given = given(a, b);
        score += add(evidence, "given", given, GIVEN);
        Level middle = middle(a.middles(), b.middles());
        score += add(evidence, "middle", middle, MIDDLE);
        Level birthDate = birthDate(a.birthDate(), b.birthDate());
        score += add(evidence, "birthDate", birthDate, BIRTH_DATE);
        Level sex = a.gender() == null || b.gender() == null ? Level.MISSING
                : a.gender().equals(b.gender()) ? Level.EXACT : Level.DISAGREE;
        score += add(evidence, "sex", sex, SEX);
        Level zip = sets(a.zips(), b.zips());
        score += add(evidence, "zip", zip, ZIP);
        Level street = street(a.streets(), b.streets());
        score += add(evidence, "street", street, STREET);
        Level phone = sets(a.phones(), b.phones());
        score += add(evidence, "phone", phone, PHONE);
        Level email = sets(a.emails(), b.emails());
        score += add(evidence, "email", email, EMAIL);

        String guard = null;
        if (!agrees(family) || !agrees(given) || !agrees(birthDate)) {
            guard = "family name, given name and birth date must all agree";
        } else if (identifiers == Level.DISAGREE || sex == Level.DISAGREE) {
            guard = identifiers == Level.DISAGREE ? "a shared identifier differs" : "sex differs";
        } else if (!(identifiers == Level.EXACT || phone == Level.EXACT || email == Level.EXACT || agrees(street)
                || zip == Level.EXACT)) {
            guard = "nothing agrees beyond name, birth date and sex";
        }
        MatchDecision decision;
        if (score >= LINK_THRESHOLD && guard == null) {
            decision = MatchDecision.LINK;
        } else if (score >= REVIEW_THRESHOLD || (score >= LINK_THRESHOLD && guard != null)) {
            decision = MatchDecision.REVIEW;
        } else {
            decision = MatchDecision.DISTINCT;
        }
        return new Match(Math.round(score * 10) / 10.0, decision, List.copyOf(evidence), score >= LINK_THRESHOLD ? guard : null,
                identifiers == Level.EXACT);
    }

    private static boolean agrees(Level level) {
        return level == Level.EXACT || level == Level.CLOSE;
    }

    private static double add(List<String> evidence, String field, Level level, Weights weights) {
        double weight = weights.of(level);
        evidence.add(String.format(Locale.ROOT, "%s=%s(%+.1f)", field, level.name().toLowerCase(Locale.ROOT), weight));
        return weight;
    }

    /** Any shared system whose values differ is a conflict, whatever else agrees; else exact if one agrees. */
    private static Level identifiers(Map<String, Set<String>> a, Map<String, Set<String>> b) {
        Level result = Level.MISSING;
        for (Map.Entry<String, Set<String>> entry : a.entrySet()) {
            Set<String> other = b.get(entry.getKey());
            if (other == null) {
                continue;
            }
            if (entry.getValue().stream().noneMatch(other::contains)) {
                return Level.DISAGREE;
            }
            result = Level.EXACT;
        }
        return result;
    }

    private static Level family(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Level.MISSING;
        }
        if (a.stream().anyMatch(b::contains)) {
            return Level.EXACT;
        }
        for (String x : a) {
            for (String y : b) {
                if (similar(x, y)) {
                    return Level.CLOSE;
                }
            }
        }
        return Level.DISAGREE;
    }

    private Level given(PersonRecord a, PersonRecord b) {
        if (a.givens().isEmpty() || b.givens().isEmpty()) {
            return Level.MISSING;
        }
        String x = a.givens().get(0);
        String y = b.givens().get(0);
        if (x.equals(y)) {
            return Level.EXACT;
        }
        if (nicknames.same(x, y) || similar(x, y) || initialOf(x, y) || initialOf(y, x)
                // a first name used as the middle one in the other source ("J. Kay Smith" vs "Kay Smith")
                || a.middles().contains(y) || b.middles().contains(x)) {
            return Level.CLOSE;
        }
        return Level.DISAGREE;
    }

    private static Level middle(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Level.MISSING;
        }
        for (String x : a) {
            for (String y : b) {
                if (x.length() > 1 && x.equals(y)) {
                    return Level.EXACT;
                }
            }
        }
        for (String x : a) {
            for (String y : b) {
                if (x.charAt(0) == y.charAt(0) && (x.length() == 1 || y.length() == 1)) {
                    return Level.CLOSE;
                }
            }
        }
        return Level.DISAGREE;
    }

    /** Exact; close for a day/month swap or one of year, month, day differing (a typo); else disagree. */
    static Level birthDate(LocalDate a, LocalDate b) {
        if (a == null || b == null) {
            return Level.MISSING;
        }
        if (a.equals(b)) {
            return Level.EXACT;
        }
        boolean swapped = a.getYear() == b.getYear() && a.getMonthValue() == b.getDayOfMonth() && a.getDayOfMonth() == b.getMonthValue();
        int same = (a.getYear() == b.getYear() ? 1 : 0) + (a.getMonthValue() == b.getMonthValue() ? 1 : 0)
                + (a.getDayOfMonth() == b.getDayOfMonth() ? 1 : 0);
        return swapped || same == 2 ? Level.CLOSE : Level.DISAGREE;
    }

    private static Level sets(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Level.MISSING;
        }
        return a.stream().anyMatch(b::contains) ? Level.EXACT : Level.DISAGREE;
    }

    private static Level street(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Level.MISSING;
        }
        if (a.stream().anyMatch(b::contains)) {
            return Level.EXACT;
        }
        for (String x : a) {
            for (String y : b) {
                if (JARO_WINKLER.apply(x, y) >= 0.95) {
                    return Level.CLOSE;
                }
            }
        }
        return Level.DISAGREE;
    }

    /** Same sound (Double Metaphone) or a small typo (Jaro-Winkler at least 0.92) in names of 4 letters or more. */
    static boolean similar(String x, String y) {
        if (x.length() < 4 || y.length() < 4) {
            return false;
        }
        return METAPHONE.isDoubleMetaphoneEqual(x, y) || JARO_WINKLER.apply(x, y) >= 0.92;
    }

    private static boolean initialOf(String initial, String name) {
        return initial.length() == 1 && name.charAt(0) == initial.charAt(0);
    }

    private static double lg(double m, double u) {
        return Math.log(m / u) / Math.log(2);
    }
}
