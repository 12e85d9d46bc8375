package org.portico.auth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The age rules of the shipped table, on made-up grants and days. */
class ProxyPolicyTest {

    static final String SUD = "http://terminology.hl7.org/CodeSystem/v3-ActCode|SUD";
    static final String PSY = "http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY";
    static final String SEX = "http://terminology.hl7.org/CodeSystem/v3-ActCode|SEX";
    static final String HIV = "http://terminology.hl7.org/CodeSystem/v3-ActCode|HIV";
    static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
    static final Instant NOW = TODAY.atStartOfDay(ZoneOffset.UTC).plusHours(12).toInstant();

    final ProxyPolicy policy = new ProxyPolicy(JurisdictionRules.shipped());

    static ProxyGrant guardian(LocalDate birthDate, String state) {
        return new ProxyGrant("g1", "r1", 1, "parent", "child", "Child", ProxyGrant.Level.FULL, Instant.EPOCH, null,
                ProxyGrant.DecidedBy.GUARDIAN, "staff", "court order 1", null, null, null, birthDate, state, ProxyGrant.Status.ACTIVE,
                "granted", Instant.EPOCH);
    }

    @Test
    void whenChildIsYoungerThanTheNarrowingAgeThenTheGuardianSeesTheGuardianClasses() {
        ProxyPolicy.Evaluation e = policy.evaluate(guardian(TODAY.minusYears(8), "TX"), TODAY.minusYears(8), "TX", NOW, TODAY);
        assertThat(e.usable()).isTrue();
        assertThat(e.agePhase()).isEqualTo(ProxyPolicy.CHILD);
        assertThat(e.labels()).contains(SUD, PSY, SEX, HIV);
        assertThat(e.rule().id()).isEqualTo("US-TX");
    }

    @Test
    void whenTheChildIs15ThenTheConfidentialClassesAreTakenAway() {
        LocalDate born = TODAY.minusYears(15);
        ProxyPolicy.Evaluation e = policy.evaluate(guardian(born, "CA"), born, "CA", NOW, TODAY);
        assertThat(e.usable()).isTrue();
        assertThat(e.agePhase()).isEqualTo(ProxyPolicy.ADOLESCENT);
        assertThat(e.labels()).doesNotContain(SUD, PSY, SEX, HIV);
        assertThat(e.narrows(guardian(born, "CA").next(ProxyGrant.Status.ACTIVE, "x", ProxyPolicy.CHILD, null, null, born, "CA")))
                .isTrue();
    }

    @Test
    void whenTwoStatesDifferThenTheSameTwelveYearOldIsNarrowedInOneAndNotTheOther() {
        LocalDate born = TODAY.minusYears(12);
        ProxyPolicy.Evaluation california = policy.evaluate(guardian(born, "CA"), born, "CA", NOW, TODAY);
        ProxyPolicy.Evaluation texas = policy.evaluate(guardian(born, "TX"), born, "TX", NOW, TODAY);
        assertThat(california.agePhase()).isEqualTo(ProxyPolicy.ADOLESCENT);
        assertThat(california.labels()).doesNotContain(PSY, HIV);
        assertThat(texas.agePhase()).isEqualTo(ProxyPolicy.CHILD);
        assertThat(texas.labels()).contains(PSY, HIV, SUD);
        assertThat(california.rule().id()).isEqualTo("US-CA");
        assertThat(texas.rule().id()).isEqualTo("US-TX");
    }

    @Test
    void whenTwoStatesDifferThenTheirConfidentialClassesDifferToo() {
        LocalDate born = TODAY.minusYears(15);
        ProxyPolicy.Evaluation california = policy.evaluate(guardian(born, "CA"), born, "CA", NOW, TODAY);
        ProxyPolicy.Evaluation texas = policy.evaluate(guardian(born, "TX"), born, "TX", NOW, TODAY);
        // Texas (as shipped, illustrative) keeps mental health and HIV visible to a guardian of a 15-year-old
        assertThat(texas.labels()).contains(PSY, HIV).doesNotContain(SUD, SEX);
        assertThat(california.labels()).isEmpty();
    }

    @Test
    void whenTheRuleChangedThenTheVersionInForceOnTheDayApplies() {
        LocalDate born = LocalDate.of(2013, 3, 1);
        LocalDate before = LocalDate.of(2025, 6, 1);
        ProxyPolicy.Evaluation old = policy.evaluate(guardian(born, "MA"), born, "MA", before.atStartOfDay(ZoneOffset.UTC).toInstant(), before);
        ProxyPolicy.Evaluation now = policy.evaluate(guardian(born, "MA"), born, "MA", NOW, TODAY);
        assertThat(old.rule().version()).isEqualTo(1);
        assertThat(old.agePhase()).isEqualTo(ProxyPolicy.CHILD);
        assertThat(now.rule().version()).isEqualTo(2);
        assertThat(now.agePhase()).isEqualTo(ProxyPolicy.ADOLESCENT);
    }

    static ProxyGrant inPhase(ProxyGrant grant, String phase) {
        return grant.next(grant.status(), grant.reason(), phase, grant.ruleId(), grant.ruleVersion(), grant.birthDate(),
                grant.patientState());
    }

    @Test
    void whenThePatientTurns18ThenTheGuardianGrantIsSuspended() {
        LocalDate born = TODAY.minusYears(18);
        ProxyPolicy.Evaluation e = policy.evaluate(inPhase(guardian(born, "TX"), ProxyPolicy.ADOLESCENT), born, "TX", NOW, TODAY);
        assertThat(e.status()).isEqualTo(ProxyGrant.Status.SUSPENDED);
        assertThat(e.usable()).isFalse();
        assertThat(e.labels()).isEmpty();
        assertThat(e.narrows(inPhase(guardian(born, "TX"), ProxyPolicy.ADOLESCENT))).isTrue();
        ProxyPolicy.Evaluation dayBefore = policy.evaluate(inPhase(guardian(born.plusDays(1), "TX"), ProxyPolicy.ADOLESCENT),
                born.plusDays(1), "TX", NOW, TODAY);
        assertThat(dayBefore.status()).isEqualTo(ProxyGrant.Status.ACTIVE);
    }

    @Test
    void whenAStaffGrantIsFirstSeenForAnAdultThenItStaysActiveWithoutLabels() {
        // a row migrated from the old acting-for list, or recorded for an adult: never a minor's grant
        LocalDate born = TODAY.minusYears(40);
        ProxyGrant migrated = guardian(born, "TX");
        ProxyPolicy.Evaluation e = policy.evaluate(migrated, born, "TX", NOW, TODAY);
        assertThat(e.status()).isEqualTo(ProxyGrant.Status.ACTIVE);
        assertThat(e.usable()).isTrue();
        assertThat(e.agePhase()).isEqualTo(ProxyPolicy.ADULT);
        assertThat(e.labels()).isEmpty();
        assertThat(e.narrows(migrated)).isFalse();
    }

    @Test
    void whenTheBirthDateBecomesKnownThenNothingIsRevoked() {
        LocalDate born = TODAY.minusYears(15);
        ProxyGrant unknown = guardian(null, "TX");
        ProxyPolicy.Evaluation e = policy.evaluate(unknown, born, "TX", NOW, TODAY);
        assertThat(e.changes(unknown)).isTrue();
        assertThat(e.narrows(unknown)).isFalse();
    }

    @Test
    void whenTheStateIsUnknownThenTheStrictestRuleApplies() {
        LocalDate born = TODAY.minusYears(12);
        ProxyPolicy.Evaluation e = policy.evaluate(guardian(born, null), born, null, NOW, TODAY);
        assertThat(e.rule().id()).isEqualTo("US-DEFAULT");
        assertThat(e.agePhase()).isEqualTo(ProxyPolicy.ADOLESCENT);
    }

    @Test
    void whenTheBirthDateIsUnknownThenNoSensitiveLabels() {
        ProxyPolicy.Evaluation e = policy.evaluate(guardian(null, "TX"), null, "TX", NOW, TODAY);
        assertThat(e.usable()).isTrue();
        assertThat(e.labels()).isEmpty();
    }

    @Test
    void whenTheAdultPatientChoseTheCaregiverThenNoAgeRulesAndNoSensitiveLabels() {
        ProxyGrant caregiver = new ProxyGrant("g2", "r2", 1, "carer", "adult", "Adult", ProxyGrant.Level.READ_ONLY, Instant.EPOCH, null,
                ProxyGrant.DecidedBy.PATIENT, "adult", null, null, null, ProxyPolicy.ADULT, null, null, ProxyGrant.Status.ACTIVE, "granted",
                Instant.EPOCH);
        ProxyPolicy.Evaluation e = policy.evaluate(caregiver, null, null, NOW, TODAY);
        assertThat(e.usable()).isTrue();
        assertThat(e.labels()).isEmpty();
        assertThat(e.changes(caregiver)).isFalse();
    }

    @Test
    void whenTheEndDatePassedThenTheGrantEnds() {
        ProxyGrant grant = new ProxyGrant("g3", "r3", 1, "carer", "adult", "Adult", ProxyGrant.Level.FULL, Instant.EPOCH,
                NOW.minusSeconds(1), ProxyGrant.DecidedBy.PATIENT, "adult", null, null, null, ProxyPolicy.ADULT, null, null,
                ProxyGrant.Status.ACTIVE, "granted", Instant.EPOCH);
        ProxyPolicy.Evaluation e = policy.evaluate(grant, null, null, NOW, TODAY);
        assertThat(e.status()).isEqualTo(ProxyGrant.Status.ENDED);
        assertThat(e.narrows(grant)).isTrue();
    }

    @Test
    void whenTheClassesAreReadThenEachHasLabels() {
        JurisdictionRules rules = JurisdictionRules.shipped();
        assertThat(rules.classCodes()).containsExactly("SUD", "ETH", "PSY", "SEX", "HIV", "SDV", "R");
        assertThat(rules.labels(java.util.List.of("PSY"))).containsExactlyInAnyOrder(PSY,
                "http://terminology.hl7.org/CodeSystem/v3-ActCode|BH");
        assertThat(rules.labels(java.util.List.of("NOPE"))).isEmpty();
    }

    @Test
    void whenTheStateIsWrittenInFullThenItsOwnRuleApplies() {
        JurisdictionRules rules = JurisdictionRules.shipped();
        // Synthea, and many EHRs, write address.state in full
        assertThat(rules.ruleFor("Texas", TODAY).id()).isEqualTo("US-TX");
        assertThat(rules.ruleFor(" massachusetts ", TODAY).id()).isEqualTo("US-MA");
        assertThat(rules.ruleFor("tx", TODAY).id()).isEqualTo("US-TX");
        assertThat(rules.ruleFor("Texasx", TODAY).id()).isEqualTo("US-DEFAULT");
        LocalDate born = TODAY.minusYears(15);
        ProxyPolicy.Evaluation texas = policy.evaluate(guardian(born, "Texas"), born, "Texas", NOW, TODAY);
        assertThat(texas.labels()).contains(PSY);
    }
}
