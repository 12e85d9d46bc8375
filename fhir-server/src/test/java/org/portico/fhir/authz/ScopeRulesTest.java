package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ScopeSet;

class ScopeRulesTest {

    @Test
    void whenV1ReadThenReadAndSearch() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/Observation.read"));
        assertThat(grants.allows("Observation", Interaction.READ)).isTrue();
        assertThat(grants.allows("Observation", Interaction.SEARCH)).isTrue();
        assertThat(grants.allows("Condition", Interaction.READ)).isFalse();
    }

    @Test
    void whenV2ReadOnlyThenNoSearch() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/Observation.r"));
        assertThat(grants.allows("Observation", Interaction.READ)).isTrue();
        assertThat(grants.allows("Observation", Interaction.SEARCH)).isFalse();
    }

    @Test
    void whenV2SearchOnlyThenNoRead() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/Observation.s"));
        assertThat(grants.allows("Observation", Interaction.SEARCH)).isTrue();
        assertThat(grants.allows("Observation", Interaction.READ)).isFalse();
    }

    @Test
    void whenSeparateLettersThenUnion() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/Observation.r patient/Observation.s"));
        assertThat(grants.byType()).containsEntry("Observation", Set.of(Interaction.READ, Interaction.SEARCH));
    }

    @Test
    void whenWildcardThenEveryType() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/*.rs"));
        assertThat(grants.allows("Condition", Interaction.READ)).isTrue();
        assertThat(grants.allows("Patient", Interaction.SEARCH)).isTrue();
    }

    @Test
    void whenWriteOnlyThenNothingGranted() {
        assertThat(PatientGrants.of(ScopeSet.parse("patient/Observation.cud patient/Observation.write")).isEmpty()).isTrue();
    }

    @Test
    void whenGranularRestrictionThenDroppedNotWidened() {
        PatientGrants grants = PatientGrants.of(ScopeSet.parse("patient/Observation.rs?category=laboratory"));
        assertThat(grants.isEmpty()).isTrue();
    }

    @Test
    void whenUserSystemOrUnknownScopesThenNothingGranted() {
        assertThat(PatientGrants.of(ScopeSet.parse("user/*.rs system/*.rs patient/observation.rs launch/foo openid")).isEmpty())
                .isTrue();
    }

    @Test
    void whenTokenHasScopesThenRulesAreMetadataGrantsAndDefaultDeny() {
        List<IAuthRule> rules = ScopeRules.forToken(token("pat-123", "patient/Observation.rs patient/Condition.r"));
        assertThat(rules).hasSize(4);
        assertThat(rules.get(0).getName()).isEqualTo("metadata");
        assertThat(rules).extracting(IAuthRule::getName)
                .contains("patient/Observation.rs", "patient/Condition.r");
        assertThat(rules.get(rules.size() - 1).getName()).isEqualTo("no scope grants this request");
    }

    @Test
    void whenRulesAreBuiltThenNamesCarryNoPatientId() {
        List<IAuthRule> rules = ScopeRules.forToken(token("pat-123", "patient/*.read"));
        assertThat(rules).extracting(IAuthRule::getName).noneMatch(name -> name.contains("pat-123"));
    }

    @Test
    void whenNoPatientClaimThenOnlyMetadataAndDeny() {
        assertThat(ScopeRules.forToken(token(null, "patient/*.rs"))).hasSize(2);
        assertThat(ScopeRules.forToken(token("bad/id", "patient/*.rs"))).hasSize(2);
        assertThat(ScopeRules.forToken(null)).hasSize(2);
    }

    @Test
    void whenReadOnlyThenTesterAllowsReadNotSearch() {
        OperationTester tester = new OperationTester(Set.of(Interaction.READ));
        assertThat(tester.allows(RestOperationTypeEnum.READ)).isTrue();
        assertThat(tester.allows(RestOperationTypeEnum.VREAD)).isTrue();
        assertThat(tester.allows(RestOperationTypeEnum.SEARCH_TYPE)).isFalse();
        assertThat(tester.allows(RestOperationTypeEnum.GET_PAGE)).isFalse();
    }

    @Test
    void whenSearchOnlyThenTesterAllowsSearchNotRead() {
        OperationTester tester = new OperationTester(Set.of(Interaction.SEARCH));
        assertThat(tester.allows(RestOperationTypeEnum.SEARCH_TYPE)).isTrue();
        assertThat(tester.allows(RestOperationTypeEnum.GET_PAGE)).isTrue();
        assertThat(tester.allows(RestOperationTypeEnum.READ)).isFalse();
        assertThat(tester.allows(RestOperationTypeEnum.HISTORY_INSTANCE)).isFalse();
        assertThat(tester.allows(RestOperationTypeEnum.UPDATE)).isFalse();
    }

    private static VerifiedToken token(String patient, String scopes) {
        return new VerifiedToken("sub", "client", patient, ScopeSet.parse(scopes), Instant.now().plusSeconds(60));
    }
}
