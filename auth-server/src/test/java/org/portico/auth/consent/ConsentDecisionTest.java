package org.portico.auth.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.ScopeParser;

class ConsentDecisionTest {

    static final String OBS = "patient/Observation.rs";
    static final String LAB = OBS + "?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
    static final String VITALS = OBS + "?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

    static List<String> offered(String scope) {
        return ConsentDecision.categoriesOffered(ScopeParser.parse(scope)).stream().map(ResourceScope::original).toList();
    }

    @Test
    void whenV2ObservationThenSixCategoriesWithTheUsCoreSystems() {
        assertThat(offered(OBS)).containsExactly(
                OBS + "?category=http://terminology.hl7.org/CodeSystem/observation-category|procedure",
                LAB,
                OBS + "?category=http://terminology.hl7.org/CodeSystem/observation-category|social-history",
                OBS + "?category=http://hl7.org/fhir/us/core/CodeSystem/us-core-category|sdoh",
                OBS + "?category=http://terminology.hl7.org/CodeSystem/observation-category|survey",
                VITALS);
        assertThat(offered("user/Condition.rs")).containsExactly(
                "user/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category|encounter-diagnosis",
                "user/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item",
                "user/Condition.rs?category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern");
    }

    @Test
    void whenV1OrRestrictedOrOtherTypeThenNoCategories() {
        assertThat(offered("patient/Observation.read")).isEmpty();
        assertThat(offered(LAB)).isEmpty();
        assertThat(offered("patient/Patient.rs")).isEmpty();
        assertThat(offered("patient/*.rs")).isEmpty();
        assertThat(offered("openid")).isEmpty();
    }

    @Test
    void whenAllCategoriesTickedThenResourceLevelScope() {
        List<String> requested = List.of("openid", OBS, "patient/Patient.rs");
        assertThat(ConsentDecision.grant(requested, Set.copyOf(requested), offered(OBS))).containsExactly("openid", OBS, "patient/Patient.rs");
    }

    @Test
    void whenSomeCategoriesTickedThenOneGranularScopeEach() {
        List<String> requested = List.of("openid", OBS, "patient/Patient.rs");
        assertThat(ConsentDecision.grant(requested, Set.copyOf(requested), List.of(VITALS, LAB)))
                .containsExactly("openid", LAB, VITALS, "patient/Patient.rs");
    }

    @Test
    void whenTypeUntickedOrNoCategoryTickedThenTypeDropped() {
        List<String> requested = List.of("openid", OBS);
        assertThat(ConsentDecision.grant(requested, Set.of("openid"), offered(OBS))).containsExactly("openid");
        assertThat(ConsentDecision.grant(requested, Set.copyOf(requested), List.of())).containsExactly("openid");
    }

    @Test
    void whenFormCarriesCategoriesNotOfferedThenIgnored() {
        List<String> requested = List.of(OBS, "patient/Condition.read");
        assertThat(ConsentDecision.grant(requested, Set.copyOf(requested),
                List.of(LAB, "patient/Observation.cruds?category=x|y", "patient/Condition.rs?category=a|b", "user/Observation.rs")))
                .containsExactly(LAB, "patient/Condition.read");
    }
}
