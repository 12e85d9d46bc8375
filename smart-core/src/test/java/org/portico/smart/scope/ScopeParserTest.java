package org.portico.smart.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeParserTest {

    private static final String LAB =
            "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    /** scope as sent -> v2 normal form, compartment, type, version. */
    static Stream<Arguments> resourceScopes() {
        return Stream.of(
                Arguments.of("patient/Observation.read", "patient/Observation.rs", Compartment.PATIENT, "Observation", ScopeVersion.V1),
                Arguments.of("patient/Observation.write", "patient/Observation.cud", Compartment.PATIENT, "Observation", ScopeVersion.V1),
                Arguments.of("patient/Observation.*", "patient/Observation.cruds", Compartment.PATIENT, "Observation", ScopeVersion.V1),
                Arguments.of("patient/*.read", "patient/*.rs", Compartment.PATIENT, "*", ScopeVersion.V1),
                Arguments.of("patient/*.*", "patient/*.cruds", Compartment.PATIENT, "*", ScopeVersion.V1),
                Arguments.of("user/Patient.read", "user/Patient.rs", Compartment.USER, "Patient", ScopeVersion.V1),
                Arguments.of("user/*.write", "user/*.cud", Compartment.USER, "*", ScopeVersion.V1),
                Arguments.of("system/*.read", "system/*.rs", Compartment.SYSTEM, "*", ScopeVersion.V1),
                Arguments.of("system/Group.*", "system/Group.cruds", Compartment.SYSTEM, "Group", ScopeVersion.V1),
                Arguments.of("patient/Observation.rs", "patient/Observation.rs", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.r", "patient/Observation.r", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.s", "patient/Observation.s", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.c", "patient/Observation.c", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.u", "patient/Observation.u", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.d", "patient/Observation.d", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.cruds", "patient/Observation.cruds", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.cud", "patient/Observation.cud", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/Observation.rd", "patient/Observation.rd", Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("patient/*.rs", "patient/*.rs", Compartment.PATIENT, "*", ScopeVersion.V2),
                Arguments.of("patient/*.cruds", "patient/*.cruds", Compartment.PATIENT, "*", ScopeVersion.V2),
                Arguments.of("user/Observation.rs", "user/Observation.rs", Compartment.USER, "Observation", ScopeVersion.V2),
                Arguments.of("user/*.cruds", "user/*.cruds", Compartment.USER, "*", ScopeVersion.V2),
                Arguments.of("system/Patient.rs", "system/Patient.rs", Compartment.SYSTEM, "Patient", ScopeVersion.V2),
                Arguments.of("system/*.rs", "system/*.rs", Compartment.SYSTEM, "*", ScopeVersion.V2),
                Arguments.of("patient/DocumentReference.rs", "patient/DocumentReference.rs", Compartment.PATIENT, "DocumentReference", ScopeVersion.V2),
                Arguments.of("patient/Condition.rs?category=problem-list-item", "patient/Condition.rs?category=problem-list-item", Compartment.PATIENT, "Condition", ScopeVersion.V2),
                Arguments.of("patient/Observation.rs?category=" + LAB, "patient/Observation.rs?category=" + LAB, Compartment.PATIENT, "Observation", ScopeVersion.V2),
                Arguments.of("user/Observation.s?category=vital-signs", "user/Observation.s?category=vital-signs", Compartment.USER, "Observation", ScopeVersion.V2));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("resourceScopes")
    void whenResourceScopeThenNormalisedToV2(
            String scope, String normalized, Compartment compartment, String type, ScopeVersion version) {
        Scope parsed = ScopeParser.parse(scope);

        assertThat(parsed).isInstanceOf(ResourceScope.class);
        ResourceScope rs = (ResourceScope) parsed;
        assertThat(rs.original()).isEqualTo(scope);
        assertThat(rs.normalized()).isEqualTo(normalized);
        assertThat(rs.compartment()).isEqualTo(compartment);
        assertThat(rs.resourceType()).isEqualTo(type);
        assertThat(rs.version()).isEqualTo(version);
        // the normal form parses to the same permissions
        ResourceScope again = (ResourceScope) ScopeParser.parse(rs.normalized());
        assertThat(again.interactions()).isEqualTo(rs.interactions());
        assertThat(again.restrictions()).isEqualTo(rs.restrictions());
    }

    static Stream<Arguments> standardScopes() {
        return Stream.of(
                Arguments.of("openid", StandardScope.OPENID),
                Arguments.of("fhirUser", StandardScope.FHIR_USER),
                Arguments.of("profile", StandardScope.PROFILE),
                Arguments.of("launch", StandardScope.LAUNCH),
                Arguments.of("launch/patient", StandardScope.LAUNCH_PATIENT),
                Arguments.of("launch/encounter", StandardScope.LAUNCH_ENCOUNTER),
                Arguments.of("offline_access", StandardScope.OFFLINE_ACCESS),
                Arguments.of("online_access", StandardScope.ONLINE_ACCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("standardScopes")
    void whenStandardScopeThenRecognised(String scope, StandardScope expected) {
        Scope parsed = ScopeParser.parse(scope);

        assertThat(parsed).isSameAs(expected);
        assertThat(parsed.original()).isEqualTo(scope);
        assertThat(parsed.normalized()).isEqualTo(scope);
        assertThat(parsed.isKnown()).isTrue();
    }

    /** malformed or unsupported input -> unknown scope with a reason that names the problem. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("patient/Observation", "missing permissions"),
                Arguments.of("patient/Observation.", "invalid permissions"),
                Arguments.of("patient/Observation.rw", "invalid permissions"),
                Arguments.of("patient/Observation.sr", "invalid permissions"),
                Arguments.of("patient/Observation.rrs", "invalid permissions"),
                Arguments.of("patient/Observation.R", "invalid permissions"),
                Arguments.of("patient/Observation.READ", "invalid permissions"),
                Arguments.of("patient/Observation.dc", "invalid permissions"),
                Arguments.of("patient/Observation.x", "invalid permissions"),
                Arguments.of("patient/Observation.read?category=laboratory", "need SMART v2"),
                Arguments.of("patient/observation.rs", "invalid resource type"),
                Arguments.of("patient/Obs3rvation.rs", "invalid resource type"),
                Arguments.of("patient/.rs", "invalid resource type"),
                Arguments.of("patient/**.rs", "invalid resource type"),
                Arguments.of("Patient/Observation.rs", "unknown context"),
                Arguments.of("practitioner/Observation.rs", "unknown context"),
                Arguments.of("*/Observation.rs", "unknown context"),
                Arguments.of("/Observation.rs", "unknown context"),
                Arguments.of("patient/Observation.rs?", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?category", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?category=", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?=laboratory", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?category=laboratory&", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?category=%ZZ", "malformed search restriction"),
                Arguments.of("patient/Observation.rs?cat egory=x", "character not allowed"),
                Arguments.of("launch/practitioner", "unsupported launch context"),
                Arguments.of("launch/", "unsupported launch context"),
                Arguments.of("OPENID", "not a SMART scope"),
                Arguments.of("offline-access", "not a SMART scope"),
                Arguments.of("email", "not a SMART scope"),
                Arguments.of("patient", "not a SMART scope"),
                Arguments.of("patient/Observation.r\u00e9", "character not allowed"),
                Arguments.of("patient/Observation.\"rs\"", "character not allowed"),
                Arguments.of("patient/Obs\\ervation.rs", "character not allowed"),
                Arguments.of("x".repeat(2000), "longer than"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void whenMalformedThenUnknownWithReason(String scope, String reasonFragment) {
        Scope parsed = ScopeParser.parse(scope);

        assertThat(parsed).isInstanceOf(UnknownScope.class);
        assertThat(parsed.isKnown()).isFalse();
        assertThat(parsed.original()).isEqualTo(scope);
        assertThat(((UnknownScope) parsed).reason()).contains(reasonFragment);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void whenNullOrEmptyThenUnknownNotException(String scope) {
        Scope parsed = ScopeParser.parse(scope);

        assertThat(parsed).isInstanceOf(UnknownScope.class);
        assertThat(((UnknownScope) parsed).reason()).isEqualTo("empty scope");
    }

    @ParameterizedTest
    @ValueSource(strings = {"patient/Observation.read", "patient/Observation.rs", "patient/Observation.*"})
    void whenReadScopeThenReadAndSearchAllowed(String scope) {
        ResourceScope rs = (ResourceScope) ScopeParser.parse(scope);

        assertThat(rs.allows(Interaction.READ)).isTrue();
        assertThat(rs.allows(Interaction.SEARCH)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"patient/Observation.read", "patient/Observation.rs", "patient/Observation.r"})
    void whenReadOnlyScopeThenNoWriteInteraction(String scope) {
        ResourceScope rs = (ResourceScope) ScopeParser.parse(scope);

        assertThat(rs.allows(Interaction.CREATE)).isFalse();
        assertThat(rs.allows(Interaction.UPDATE)).isFalse();
        assertThat(rs.allows(Interaction.DELETE)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void whenV2ReadWithoutSearchThenSearchNotAllowed() {
        ResourceScope r = (ResourceScope) ScopeParser.parse("patient/Observation.r");
        ResourceScope s = (ResourceScope) ScopeParser.parse("patient/Observation.s");

        assertThat(r.allows(Interaction.READ)).isTrue();
        assertThat(r.allows(Interaction.SEARCH)).isFalse();
        assertThat(s.allows(Interaction.SEARCH)).isTrue();
        assertThat(s.allows(Interaction.READ)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void whenGranularScopeThenRestrictionsDecoded() {
        ResourceScope rs = (ResourceScope) ScopeParser.parse(
                "patient/Observation.rs?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory&code=1234-5");

        assertThat(rs.restrictions()).containsExactly(
                new Restriction("category", LAB), new Restriction("code", "1234-5"));
        assertThat(rs.isRestricted()).isTrue();
        // the normal form keeps the query exactly as written
        assertThat(rs.normalized()).endsWith("?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory&code=1234-5");
    }

    @org.junit.jupiter.api.Test
    void whenScopeSetThenUnknownKeptApartAndNormalFormDeduplicated() {
        ScopeSet set = ScopeParser.parseAll(
                "  openid fhirUser launch/patient patient/Observation.read patient/Observation.rs bogus  offline_access ");

        assertThat(set.scopes()).hasSize(7);
        assertThat(set.unknown()).extracting(UnknownScope::original).containsExactly("bogus");
        assertThat(set.normalized()).isEqualTo("openid fhirUser launch/patient patient/Observation.rs offline_access");
        assertThat(set.contains(StandardScope.OPENID)).isTrue();
        assertThat(set.contains(StandardScope.LAUNCH)).isFalse();
        assertThat(set.requestsRefreshToken()).isTrue();
        assertThat(set.allows(Compartment.PATIENT, "Observation", Interaction.SEARCH)).isTrue();
        assertThat(set.allows(Compartment.PATIENT, "Condition", Interaction.READ)).isFalse();
        assertThat(set.allows(Compartment.USER, "Observation", Interaction.READ)).isFalse();
        assertThat(set.knownOriginals()).doesNotContain("bogus");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void whenScopeParameterBlankThenEmptySet(String scopes) {
        assertThat(ScopeParser.parseAll(scopes).scopes()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void whenNoRefreshScopeThenNoRefreshToken() {
        assertThat(ScopeSet.parse("openid patient/*.rs").requestsRefreshToken()).isFalse();
        assertThat(ScopeSet.parse("online_access").requestsRefreshToken()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void whenWildcardThenAppliesToEveryType() {
        ResourceScope rs = (ResourceScope) ScopeParser.parse("patient/*.rs");

        assertThat(rs.isWildcard()).isTrue();
        assertThat(rs.appliesTo("Observation")).isTrue();
        assertThat(rs.appliesTo("Patient")).isTrue();
        ResourceScope obs = (ResourceScope) ScopeParser.parse("patient/Observation.rs");
        assertThat(obs.appliesTo("Condition")).isFalse();
    }

    static Stream<Arguments> coverage() {
        return Stream.of(
                Arguments.of("patient/*.rs", "patient/Observation.rs", true),
                Arguments.of("patient/*.rs", "patient/Observation.read", true),
                Arguments.of("patient/*.rs", "patient/Observation.r", true),
                Arguments.of("patient/*.rs", "patient/*.read", true),
                Arguments.of("patient/*.rs", "patient/Observation.rs?category=laboratory", true),
                Arguments.of("patient/*.rs", "patient/Observation.cruds", false),
                Arguments.of("patient/*.rs", "patient/Observation.write", false),
                Arguments.of("patient/*.rs", "user/Observation.rs", false),
                Arguments.of("patient/*.rs", "system/*.rs", false),
                Arguments.of("patient/Observation.rs", "patient/*.rs", false),
                Arguments.of("patient/Observation.rs", "patient/Condition.rs", false),
                Arguments.of("patient/Observation.rs?category=laboratory", "patient/Observation.rs", false),
                Arguments.of("patient/Observation.rs?category=laboratory", "patient/Observation.rs?category=laboratory", true),
                Arguments.of("patient/Observation.rs?category=laboratory", "patient/Observation.rs?category=vital-signs", false),
                Arguments.of("patient/Observation.*", "patient/Observation.rs", true));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @MethodSource("coverage")
    void whenRegisteredScopeThenCoversOnlyNarrowerRequests(String registered, String requested, boolean covers) {
        ResourceScope r = (ResourceScope) ScopeParser.parse(registered);
        ResourceScope q = (ResourceScope) ScopeParser.parse(requested);

        assertThat(r.covers(q)).isEqualTo(covers);
    }

    @org.junit.jupiter.api.Test
    void whenEveryCaseParsedThenNoException() {
        List<String> nasty = List.of("/", ".", "?", "=", "&", "patient/", "patient/.", "patient/*.", "patient/*.?",
                "patient/Observation.rs?&", "patient/Observation.rs??a=b", "patient/Observation.rs?a==b", "\u0000", "\t");
        for (String s : nasty) {
            assertThat(ScopeParser.parse(s).isKnown()).as(s).isFalse();
        }
    }
}
