package org.portico.auth.proxy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what a proxy grant allows on a given day (ADR 0019), from the grant, the patient's birth date
 * and state, and the jurisdiction rule in force. Pure: the clock and the record are inputs.
 * <ul>
 * <li>a grant the patient decided (an adult choosing a caregiver) has no age rules and carries no
 *     sensitive labels: the patient's own choice on the consent page is for their own apps;</li>
 * <li>a grant a guardian or staff decided: below the rule's narrowing age the guardian sees the rule's
 *     guardian classes; from it, the confidential classes are taken away; from the proxy end age (18)
 *     a grant made while the patient was a minor is suspended; one first seen when the patient was
 *     already an adult (staff recorded it for an adult, or a row migrated before birth dates were known)
 *     is an adult's proxy: no age rules, no labels;</li>
 * <li>an unknown birth date gives no sensitive labels (fail closed) and keeps the grant as it is until
 *     the record can be read.</li>
 * </ul>
 */
public final class ProxyPolicy {

    public static final String CHILD = "child";
    public static final String ADOLESCENT = "adolescent";
    public static final String ADULT = "adult";

    /**
     * What a grant allows now.
     *
     * @param status    what the grant's state should be
     * @param usable    whether the proxy may act now (active and within its period)
     * @param agePhase  as on {@link ProxyGrant#agePhase()}
     * @param labels    the sensitive labels ({@code system|code}) a token of the proxy for this patient carries
     * @param rule      the rule that applied, or null (no age rules)
     * @param reason    the reason of the new version when this is a transition
     */
    public record Evaluation(ProxyGrant.Status status, boolean usable, String agePhase, Set<String> labels,
            JurisdictionRules.Rule rule, String reason) {

        /** Whether the grant's row no longer says what applies: a new version is due. */
        public boolean changes(ProxyGrant grant) {
            return status != grant.status() || (agePhase != null && !agePhase.equals(grant.agePhase()));
        }

        /**
         * Whether the change takes something away (tokens issued before it must stop working). From an
         * unknown birth date nothing narrows: those tokens carried no sensitive labels.
         */
        public boolean narrows(ProxyGrant grant) {
            return status != ProxyGrant.Status.ACTIVE || (ADOLESCENT.equals(agePhase) && CHILD.equals(grant.agePhase()));
        }
    }

    private final JurisdictionRules rules;

    public ProxyPolicy(JurisdictionRules rules) {
        this.rules = Objects.requireNonNull(rules);
    }

    public JurisdictionRules rules() {
        return rules;
    }

    public Evaluation evaluate(ProxyGrant grant, LocalDate birthDate, String state, Instant now, LocalDate today) {
        if (grant.status() != ProxyGrant.Status.ACTIVE) {
            return new Evaluation(grant.status(), false, grant.agePhase(), Set.of(), null, grant.reason());
        }
        if (grant.validUntil() != null && !now.isBefore(grant.validUntil())) {
            return new Evaluation(ProxyGrant.Status.ENDED, false, grant.agePhase(), Set.of(), null, "expired");
        }
        boolean started = !now.isBefore(grant.validFrom());
        if (!grant.ageRulesApply()) {
            return new Evaluation(ProxyGrant.Status.ACTIVE, started, ADULT, Set.of(), null, grant.reason());
        }
        JurisdictionRules.Rule rule = rules.ruleFor(state, today);
        if (birthDate == null) {
            return new Evaluation(ProxyGrant.Status.ACTIVE, started, null, Set.of(), rule, grant.reason());
        }
        int age = Period.between(birthDate, today).getYears();
        if (age >= rule.proxyEndAge()) {
            if (CHILD.equals(grant.agePhase()) || ADOLESCENT.equals(grant.agePhase())) {
                return new Evaluation(ProxyGrant.Status.SUSPENDED, false, ADULT, Set.of(), rule, "suspended_at_age");
            }
            // never a minor's grant (staff recorded it for an adult, e.g. a migrated row): no age rules, no labels
            return new Evaluation(ProxyGrant.Status.ACTIVE, started, ADULT, Set.of(), rule, "adult_patient");
        }
        if (age >= rule.narrowingAge()) {
            Set<String> classes = new LinkedHashSet<>(rule.guardianClasses());
            classes.removeAll(rule.confidentialClasses());
            return new Evaluation(ProxyGrant.Status.ACTIVE, started, ADOLESCENT, rules.labels(classes), rule, "narrowed");
        }
        return new Evaluation(ProxyGrant.Status.ACTIVE, started, CHILD, rules.labels(rule.guardianClasses()), rule, grant.reason());
    }
}
