package org.portico.auth.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeFilterTest {

    private static final ScopeFilter DEMO_APP =
            new ScopeFilter(Set.of("openid", "fhirUser", "launch/patient", "offline_access", "patient/*.rs"));

    private static Set<String> requested(String... scopes) {
        return new LinkedHashSet<>(List.of(scopes));
    }

    @Test
    void whenResourceScopeCoveredByWildcardThenKept() {
        assertThat(DEMO_APP.allowed(requested("patient/Observation.rs", "patient/Condition.read")))
                .containsExactly("patient/Observation.rs", "patient/Condition.read");
    }

    @Test
    void whenGranularScopeCoveredThenKeptAsWritten() {
        assertThat(DEMO_APP.allowed(requested("patient/Observation.rs?category=laboratory")))
                .containsExactly("patient/Observation.rs?category=laboratory");
    }

    @Test
    void whenMoreInteractionsThanRegisteredThenDropped() {
        assertThat(DEMO_APP.allowed(requested("patient/Observation.cruds", "patient/Observation.write", "patient/*.*")))
                .isEmpty();
    }

    @Test
    void whenOtherCompartmentThenDropped() {
        assertThat(DEMO_APP.allowed(requested("user/Observation.rs", "system/Patient.rs"))).isEmpty();
    }

    @Test
    void whenStandardScopeRegisteredThenKeptElseDropped() {
        assertThat(DEMO_APP.allowed(requested("openid", "launch/patient", "online_access", "profile", "launch")))
                .containsExactly("openid", "launch/patient");
    }

    @Test
    void whenUnknownOrMalformedThenDropped() {
        assertThat(DEMO_APP.allowed(requested("patient/Observation.bogus", "email", "launch/foo", "patient/observation.rs")))
                .isEmpty();
    }

    @Test
    void whenRegisteredScopeIsRestrictedThenOnlyEquallyOrMoreRestrictedRequestsKept() {
        ScopeFilter labsOnly = new ScopeFilter(Set.of("patient/Observation.rs?category=laboratory"));
        assertThat(labsOnly.allowed(requested(
                        "patient/Observation.rs",
                        "patient/Observation.rs?category=laboratory",
                        "patient/Observation.r?category=laboratory&code=1234-5",
                        "patient/Observation.rs?category=vital-signs")))
                .containsExactly("patient/Observation.rs?category=laboratory", "patient/Observation.r?category=laboratory&code=1234-5");
    }

    @Test
    void whenTypeScopeRegisteredThenWildcardRequestDropped() {
        ScopeFilter observations = new ScopeFilter(Set.of("patient/Observation.rs"));
        assertThat(observations.allowed(requested("patient/*.rs", "patient/Observation.s"))).containsExactly("patient/Observation.s");
    }
}
