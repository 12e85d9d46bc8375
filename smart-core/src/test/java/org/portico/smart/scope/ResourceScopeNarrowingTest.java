package org.portico.smart.scope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceScopeNarrowingTest {

    private static final String LAB = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    private static ResourceScope parse(String s) {
        return (ResourceScope) ScopeParser.parse(s);
    }

    @Test
    void whenV2ScopeNarrowedThenGranularScopeThatParsesBackTheSame() {
        ResourceScope narrowed = parse("patient/Observation.rs").narrowedTo(new Restriction("category", LAB));
        assertThat(narrowed.original()).isEqualTo("patient/Observation.rs?category=" + LAB);
        assertThat(narrowed.normalized()).isEqualTo(narrowed.original());
        assertThat(ScopeParser.parse(narrowed.original())).isEqualTo(narrowed);
        assertThat(parse("patient/Observation.rs").covers(narrowed)).isTrue();
        assertThat(narrowed.covers(parse("patient/Observation.rs"))).isFalse();
    }

    @Test
    void whenV1ScopeNarrowedThenV2FormWithTheSameInteractions() {
        ResourceScope narrowed = parse("user/Condition.read").narrowedTo(new Restriction("category", "problem-list-item"));
        assertThat(narrowed.original()).isEqualTo("user/Condition.rs?category=problem-list-item");
        assertThat(narrowed.version()).isEqualTo(ScopeVersion.V2);
        assertThat(narrowed.compartment()).isEqualTo(Compartment.USER);
    }

    @Test
    void whenAlreadyRestrictedThenRestrictionsAdded() {
        ResourceScope narrowed = parse("patient/Observation.rs?code=1234-5").narrowedTo(new Restriction("category", LAB));
        assertThat(narrowed.original()).isEqualTo("patient/Observation.rs?code=1234-5&category=" + LAB);
        assertThat(narrowed.restrictions()).containsExactly(new Restriction("code", "1234-5"), new Restriction("category", LAB));
    }

    @Test
    void whenValueHasQuerySyntaxThenEncodedAndDecodedBack() {
        ResourceScope narrowed = parse("patient/Observation.rs").narrowedTo(new Restriction("code", "a&b=c+d%e f"));
        assertThat(narrowed.original()).isEqualTo("patient/Observation.rs?code=a%26b%3Dc%2Bd%25e%20f");
        assertThat(((ResourceScope) ScopeParser.parse(narrowed.original())).restrictions())
                .containsExactly(new Restriction("code", "a&b=c+d%e f"));
    }
}
