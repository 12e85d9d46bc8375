package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester.RuleTestRequest;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.Restriction;
import org.portico.smart.scope.ScopeSet;

class ScopeRulesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String LAB = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
    private static final String VITALS = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";
    /** Matches "category=<value>" criteria against the categories of an Observation, as the JPA matcher would. */
    private static final RestrictionMatcher MATCHER = (criteria, resource) -> {
        Observation o = (Observation) resource;
        String query = java.net.URLDecoder.decode(criteria.substring(criteria.indexOf('?') + 1), java.nio.charset.StandardCharsets.UTF_8);
        String wanted = query.substring("category=".length());
        return o.getCategory().stream().flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> List.of(wanted.split(",")).contains(c.getSystem() + "|" + c.getCode()));
    };

    /** Stored data as the tests see it: obs-a is pat-1's, obs-b is pat-2's, med-1 is no patient's. */
    private static final TargetOwners OWNERS = reference -> switch (reference.getResourceType() + "/" + reference.getIdPart()) {
        case "Observation/obs-a" -> java.util.Set.of("pat-1");
        case "Observation/obs-b" -> java.util.Set.of("pat-2");
        case "Medication/med-1" -> java.util.Set.of();
        default -> null;
    };

    /** No stored referrers: a Media is never shown by a readable report here (ScopeEnforcementIT has real ones). */
    private static final Referrers NO_REFERRERS = (sourceType, searchParam, target) -> List.of();

    @Test
    void whenDiagnosticReportReadableWithoutMediaScopeThenOneRuleForTheReportsMedia() {
        String rule = "patient/DiagnosticReport.rs (Media of a readable DiagnosticReport)";
        assertThat(ScopeRules.names(rules("pat-1", "patient/DiagnosticReport.rs"))).contains(rule);
        assertThat(ScopeRules.names(rules("pat-1", "patient/DiagnosticReport.s"))).noneMatch(n -> n.contains("Media"));
        assertThat(ScopeRules.names(rules("pat-1", "patient/DiagnosticReport.rs patient/Media.r"))).doesNotContain(rule);
        assertThat(ScopeRules.names(rules("pat-1", "patient/*.rs"))).noneMatch(n -> n.contains("Media of"));
    }

    @Test
    void whenV1ReadThenReadAndSearch() {
        AccessPolicy policy = policy("pat-1", "patient/Observation.read");
        assertThat(policy.access("Observation", Interaction.READ).unrestricted()).isTrue();
        assertThat(policy.access("Observation", Interaction.SEARCH).unrestricted()).isTrue();
        assertThat(policy.access("Condition", Interaction.READ).granted()).isFalse();
    }

    @Test
    void whenV1WriteThenCreateUpdateDeleteOnly() {
        AccessPolicy policy = policy("pat-1", "patient/Observation.write");
        assertThat(policy.access("Observation", Interaction.CREATE).granted()).isTrue();
        assertThat(policy.access("Observation", Interaction.UPDATE).granted()).isTrue();
        assertThat(policy.access("Observation", Interaction.DELETE).granted()).isTrue();
        assertThat(policy.access("Observation", Interaction.READ).granted()).isFalse();
        assertThat(policy.access("Observation", Interaction.SEARCH).granted()).isFalse();
    }

    @Test
    void whenSeparateLettersThenUnion() {
        AccessPolicy policy = policy("pat-1", "patient/Observation.r patient/Observation.s");
        assertThat(policy.access("Observation", Interaction.READ).granted()).isTrue();
        assertThat(policy.access("Observation", Interaction.SEARCH).granted()).isTrue();
    }

    @Test
    void whenWideAndGranularThenWideWins() {
        AccessPolicy policy = policy("pat-1", "patient/Observation.rs?category=" + LAB + " patient/Observation.rs");
        assertThat(policy.access("Observation", Interaction.SEARCH)).isEqualTo(Access.ALL);
    }

    @Test
    void whenSeveralGranularThenOr() {
        AccessPolicy policy = policy("pat-1", "patient/Observation.rs?category=" + LAB + " patient/Observation.rs?category=" + VITALS);
        Access search = policy.access("Observation", Interaction.SEARCH);
        assertThat(search.unrestricted()).isFalse();
        assertThat(search.anyOf()).containsExactly(
                List.of(new Restriction("category", LAB)), List.of(new Restriction("category", VITALS)));
        assertThat(GranularSearchNarrowing.parameters(search)).contains(Map.of("category", LAB + "," + VITALS));
    }

    @Test
    void whenGranularOnDifferentParametersThenNoSingleSearch() {
        Access access = new Access(false, List.of(
                List.of(new Restriction("category", LAB)), List.of(new Restriction("code", "http://loinc.org|1-1"))));
        assertThat(GranularSearchNarrowing.parameters(access)).isEqualTo(Optional.empty());
    }

    @Test
    void whenUserScopesThenBoundToFhirUserPatient() {
        VerifiedToken token = new VerifiedToken("sub", "client", null, ScopeSet.parse("user/Observation.rs"),
                Instant.now().plusSeconds(60), "jti", "http://localhost/fhir/Patient/pat-9");
        AccessPolicy policy = AccessPolicy.of(token, ActingFor.self());
        assertThat(policy.bindings()).singleElement().satisfies(b -> {
            assertThat(b.context()).isEqualTo(Compartment.USER);
            assertThat(b.patientIds()).containsExactly("pat-9");
        });
    }

    @Test
    void whenTheTokenListsThePatientsTheUserActsForThenUserScopesBindToExactlyThose() {
        VerifiedToken token = new VerifiedToken("sub", "client", null, ScopeSet.parse("user/Observation.rs"),
                Instant.now().plusSeconds(60), "jti", "http://localhost/fhir/Patient/pat-9", java.util.Set.of(),
                List.of("pat-9", "pat-child", "not an id!"));
        AccessPolicy policy = AccessPolicy.of(token, ActingFor.claimed());
        assertThat(policy.bindings()).singleElement().satisfies(b -> assertThat(b.patientIds()).containsExactly("pat-9", "pat-child"));
    }

    @Test
    void whenTheTokenListsNoPatientsThenUserScopesBindToTheUserOnly() {
        VerifiedToken token = new VerifiedToken("sub", "client", null, ScopeSet.parse("user/Observation.rs"),
                Instant.now().plusSeconds(60), "jti", "http://localhost/fhir/Patient/pat-9");
        AccessPolicy policy = AccessPolicy.of(token, ActingFor.claimed());
        // another family's child is never reached without the claim
        assertThat(policy.bindings()).singleElement().satisfies(b -> assertThat(b.patientIds()).containsExactly("pat-9")
                .doesNotContain("pat-child"));
    }

    @Test
    void whenUserIsPractitionerThenUserScopesGrantNothing() {
        VerifiedToken token = new VerifiedToken("sub", "client", null, ScopeSet.parse("user/Observation.rs system/*.rs"),
                Instant.now().plusSeconds(60), "jti", "Practitioner/pr-1");
        assertThat(AccessPolicy.of(token, ActingFor.self()).isEmpty()).isTrue();
    }

    @Test
    void whenNoUserNoPatientThenSystemScopesAreServerWide() {
        VerifiedToken token = new VerifiedToken("client", "client", null, ScopeSet.parse("system/Patient.rs patient/*.rs"),
                Instant.now().plusSeconds(60));
        AccessPolicy policy = AccessPolicy.of(token, ActingFor.self());
        assertThat(policy.bindings()).singleElement().satisfies(b -> assertThat(b.serverWide()).isTrue());
    }

    @Test
    void whenUnknownScopesThenNothingGranted() {
        assertThat(policy("pat-1", "patient/observation.rs launch/foo openid").isEmpty()).isTrue();
    }

    @Test
    void whenTokenHasScopesThenRulesAreMetadataGrantsAndDefaultDeny() {
        List<IAuthRule> rules = rules("pat-123", "patient/Observation.rs patient/Condition.r");
        assertThat(rules.get(0).getName()).isEqualTo("metadata");
        assertThat(ScopeRules.names(rules)).contains("patient/Observation.rs", "patient/Condition.r");
        assertThat(rules.get(rules.size() - 1).getName()).isEqualTo("no scope grants this request");
    }

    @Test
    void whenRulesAreBuiltThenNamesCarryNoPatientId() {
        assertThat(ScopeRules.names(rules("pat-123", "patient/*.read patient/*.write"))).noneMatch(n -> n.contains("pat-123"));
    }

    @Test
    void whenNoValidPatientThenOnlyMetadataAndDeny() {
        assertThat(rules(null, "patient/*.rs")).hasSize(2);
        assertThat(rules("bad/id", "patient/*.rs")).hasSize(2);
    }

    @Test
    void whenReadOnlyThenTesterAllowsReadNotSearch() {
        ScopeTester tester = ScopeTester.of(Map.of(Interaction.READ, Access.ALL), MATCHER, false);
        assertThat(tester.matches(op(RestOperationTypeEnum.READ, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.VREAD, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.SEARCH_TYPE, null))).isFalse();
        assertThat(tester.matches(op(RestOperationTypeEnum.CREATE, null))).isFalse();
    }

    @Test
    void whenSearchOnlyThenTesterAllowsSearchNotRead() {
        ScopeTester tester = ScopeTester.of(Map.of(Interaction.SEARCH, Access.ALL), MATCHER, false);
        assertThat(tester.matches(op(RestOperationTypeEnum.SEARCH_TYPE, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.GET_PAGE, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.READ, null))).isFalse();
        assertThat(tester.matches(op(RestOperationTypeEnum.HISTORY_INSTANCE, null))).isFalse();
        assertThat(tester.matches(op(RestOperationTypeEnum.UPDATE, null))).isFalse();
    }

    @Test
    void whenPatientBoundThenNoTypeOrSystemHistoryNorSystemSearch() {
        ScopeTester tester = ScopeTester.of(Map.of(Interaction.SEARCH, Access.ALL, Interaction.READ, Access.ALL), MATCHER, false);
        assertThat(tester.matches(op(RestOperationTypeEnum.HISTORY_TYPE, null))).isFalse();
        assertThat(tester.matches(op(RestOperationTypeEnum.HISTORY_SYSTEM, null))).isFalse();
        assertThat(tester.matches(op(RestOperationTypeEnum.SEARCH_SYSTEM, null))).isFalse();
    }

    @Test
    void whenCreateOnlyThenNoRead() {
        ScopeTester tester = ScopeTester.of(Map.of(Interaction.CREATE, Access.ALL), MATCHER, false);
        assertThat(tester.matches(op(RestOperationTypeEnum.CREATE, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.READ, null))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, lab()))).isFalse();
    }

    @Test
    void whenGranularReadThenOnlyGrantedCategoryOnOutput() {
        Access labOnly = new Access(false, List.of(List.of(new Restriction("category", LAB))));
        ScopeTester tester = ScopeTester.of(Map.of(Interaction.READ, labOnly), MATCHER, false);
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, lab()))).isTrue();
        Observation vitals = new Observation();
        vitals.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("vital-signs");
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, vitals))).isFalse();
        vitals.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("laboratory");
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, vitals))).as("any category matches").isTrue();
    }

    @Test
    void whenReferenceTypeThenReadByIdButNoSearch() {
        ScopeTester tester = ScopeTester.referenceOnly(Map.of(Interaction.READ, Access.ALL, Interaction.SEARCH, Access.ALL), MATCHER);
        assertThat(tester.matches(op(RestOperationTypeEnum.READ, null))).isTrue();
        assertThat(tester.matches(op(RestOperationTypeEnum.SEARCH_TYPE, null))).isFalse();
    }

    @Test
    void whenDeniedThenMessageNamesScopeOnly() {
        AccessPolicy policy = policy("pat-123", "patient/Condition.rs");
        String message = ScopeAuthorizationInterceptor.DeniedMessage.of(policy, RestOperationTypeEnum.SEARCH_TYPE, "Observation");
        assertThat(message).contains("patient/Observation.s").doesNotContain("pat-123");
    }

    @Test
    void whenFhirUserThenPatientIdParsed() {
        assertThat(FhirIds.patientIdOf("https://x.example/fhir/Patient/abc-1")).contains("abc-1");
        assertThat(FhirIds.patientIdOf("Patient/abc-1")).contains("abc-1");
        assertThat(FhirIds.patientIdOf("https://x.example/fhir/Practitioner/abc-1")).isEmpty();
        assertThat(FhirIds.patientIdOf("Patient/a b")).isEmpty();
    }

    @Test
    void whenProvenanceTargetsOwnDataThenShownAsRevincludeAndRead() {
        ProvenanceTester tester = provenanceTester("pat-1");
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.SEARCH_TYPE, provenance("Observation/obs-a")))).isTrue();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Observation/obs-a", "Medication/med-1")))).isTrue();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Patient/pat-1")))).isTrue();
    }

    @Test
    void whenProvenanceTargetsAnotherPatientsDataThenNeverShown() {
        ProvenanceTester tester = provenanceTester("pat-1");
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.SEARCH_TYPE, provenance("Observation/obs-b")))).isFalse();
        // mixed: one own target does not make another patient's target visible
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Observation/obs-a", "Observation/obs-b")))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Patient/pat-1", "Patient/pat-2")))).isFalse();
        // no patient's data at all, unresolvable, contained or absolute targets
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Medication/med-1")))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Observation/gone")))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("#contained")))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, provenance("http://other.example/fhir/Observation/obs-a")))).isFalse();
        assertThat(tester.matchesOutput(op(RestOperationTypeEnum.READ, new org.hl7.fhir.r4.model.Provenance()))).isFalse();
    }

    @Test
    void whenProvenanceScopeLacksTheLetterThenNotShown() {
        ProvenanceTester searchOnly = new ProvenanceTester(ScopeTester.of(Map.of(Interaction.SEARCH, Access.ALL), MATCHER, false),
                OWNERS, List.of("pat-1"));
        assertThat(searchOnly.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Observation/obs-a")))).isFalse();
        assertThat(searchOnly.matchesOutput(op(RestOperationTypeEnum.SEARCH_TYPE, provenance("Observation/obs-a")))).isTrue();
    }

    @Test
    void whenCompartmentRuleMeetsAProvenanceThenItDefersToTheTargetRule() {
        ScopeTester compartment = ScopeTester.compartment(Map.of(Interaction.READ, Access.ALL, Interaction.SEARCH, Access.ALL), MATCHER);
        assertThat(compartment.matchesOutput(op(RestOperationTypeEnum.READ, provenance("Patient/pat-1", "Observation/obs-b")))).isFalse();
        assertThat(compartment.matchesOutput(op(RestOperationTypeEnum.READ, lab()))).isTrue();
        assertThat(ScopeRules.names(rules("pat-1", "patient/*.rs"))).contains("patient/*.rs (Provenance of own data)");
        assertThat(ScopeRules.names(rules("pat-1", "patient/Observation.rs"))).noneMatch(n -> n.contains("Provenance"));
    }

    @Test
    void whenSameGrantThenRulesAreBuiltOnceAndSharedAndAnotherGrantGetsItsOwn() {
        TokenAccess access = new TokenAccess(FHIR, MATCHER, ActingFor.self(), OWNERS, NO_REFERRERS);
        Instant exp = Instant.now().plusSeconds(60);
        TokenAccess.Compiled a1 = access.compile(new VerifiedToken("s1", "client", "pat-1", ScopeSet.parse("patient/*.rs"), exp));
        TokenAccess.Compiled a2 = access.compile(new VerifiedToken("s2", "client", "pat-1", ScopeSet.parse("patient/*.rs"), exp));
        TokenAccess.Compiled b = access.compile(new VerifiedToken("s1", "client", "pat-2", ScopeSet.parse("patient/*.rs"), exp));
        TokenAccess.Compiled narrower = access.compile(new VerifiedToken("s1", "client", "pat-1", ScopeSet.parse("patient/Observation.rs"), exp));
        assertThat(a2).isSameAs(a1);
        assertThat(b.rules()).isNotSameAs(a1.rules());
        assertThat(b.policy().bindings()).singleElement().satisfies(x -> assertThat(x.patientIds()).containsExactly("pat-2"));
        assertThat(ScopeRules.names(narrower.rules())).noneMatch(n -> n.contains("*"));
    }

    @Test
    void whenTheUserMayNoLongerActForSomeoneThenTheNextTokenDoesNotReuseTheWiderRules() {
        TokenAccess access = new TokenAccess(FHIR, MATCHER, ActingFor.claimed(), OWNERS, NO_REFERRERS);
        Instant exp = Instant.now().plusSeconds(60);
        String user = "http://localhost/fhir/Patient/pat-9";
        TokenAccess.Compiled before = access.compile(new VerifiedToken("s1", "client", null, ScopeSet.parse("user/*.rs"), exp, "j1", user,
                java.util.Set.of(), List.of("pat-9", "pat-child")));
        TokenAccess.Compiled after = access.compile(new VerifiedToken("s1", "client", null, ScopeSet.parse("user/*.rs"), exp, "j2", user,
                java.util.Set.of(), List.of("pat-9")));
        assertThat(before.policy().bindings()).singleElement().satisfies(b -> assertThat(b.patientIds()).contains("pat-child"));
        assertThat(after.policy().bindings()).singleElement().satisfies(b -> assertThat(b.patientIds()).containsExactly("pat-9"));
    }

    @Test
    void whenSharedRulesAreEvaluatedByManyThreadsThenNoneFailsAndDecisionsStayRight() throws Exception {
        List<String> types = FHIR.getResourceTypes().stream().sorted().toList();
        ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor applier =
                new ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                List<IAuthRule> shared = rules("pat-1", "patient/*.rs"); // fresh rules: nothing looked up yet
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t * 19;
                    results.add(pool.submit(() -> {
                        start.await();
                        int allowed = 0;
                        for (int i = 0; i < types.size(); i++) {
                            String type = types.get((i + offset) % types.size());
                            // a search narrowed to the patient, checked before it runs (the compartment path of the rules)
                            ca.uhn.fhir.rest.api.server.SystemRequestDetails request = new ca.uhn.fhir.rest.api.server.SystemRequestDetails();
                            request.setFhirContext(FHIR);
                            request.setResourceName(type);
                            request.setRestOperationType(RestOperationTypeEnum.SEARCH_TYPE);
                            request.setParameters(Map.of("patient", new String[] {"Patient/pat-1"}));
                            for (IAuthRule rule : shared) {
                                var verdict = rule.applyRule(RestOperationTypeEnum.SEARCH_TYPE, request, null, null, null, applier,
                                        java.util.Set.of(), ca.uhn.fhir.interceptor.api.Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED);
                                if (verdict != null) {
                                    allowed += verdict.getDecision() == PolicyEnum.ALLOW ? 1 : 0;
                                    break;
                                }
                            }
                        }
                        return allowed;
                    }));
                }
                start.countDown();
                int first = results.get(0).get();
                assertThat(first).as("some searches are allowed").isPositive();
                for (java.util.concurrent.Future<Integer> f : results) {
                    assertThat(f.get()).as("every thread decides the same").isEqualTo(first);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void whenProvenanceTesterIsSharedThenEachRequestLooksUpTargetsAgain() {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        TargetOwners counting = reference -> {
            lookups.incrementAndGet();
            return OWNERS.of(reference);
        };
        ProvenanceTester shared = new ProvenanceTester(
                ScopeTester.of(Map.of(Interaction.READ, Access.ALL, Interaction.SEARCH, Access.ALL), MATCHER, false), counting, List.of("pat-1"));
        RuleTestRequest first = op(RestOperationTypeEnum.SEARCH_TYPE, provenance("Observation/obs-a"));
        assertThat(shared.matchesOutput(first)).isTrue();
        assertThat(shared.matchesOutput(first)).isTrue(); // same request: remembered
        assertThat(lookups).hasValue(1);
        assertThat(shared.matchesOutput(op(RestOperationTypeEnum.SEARCH_TYPE, provenance("Observation/obs-a")))).isTrue();
        assertThat(lookups).hasValue(2); // another request: looked up again, nothing carried over
    }

    private static ProvenanceTester provenanceTester(String patient) {
        return new ProvenanceTester(ScopeTester.of(Map.of(Interaction.READ, Access.ALL, Interaction.SEARCH, Access.ALL), MATCHER, false),
                OWNERS, List.of(patient));
    }

    private static org.hl7.fhir.r4.model.Provenance provenance(String... targets) {
        org.hl7.fhir.r4.model.Provenance p = new org.hl7.fhir.r4.model.Provenance();
        for (String t : targets) {
            p.addTarget().setReference(t);
        }
        return p;
    }

    private static Observation lab() {
        Observation o = new Observation();
        o.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("laboratory");
        return o;
    }

    private static RuleTestRequest op(RestOperationTypeEnum op, org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return new RuleTestRequest(PolicyEnum.ALLOW, op, new ca.uhn.fhir.rest.api.server.SystemRequestDetails(), null, resource,
                new ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor());
    }

    private static AccessPolicy policy(String patient, String scopes) {
        return AccessPolicy.of(new VerifiedToken("sub", "client", patient, ScopeSet.parse(scopes), Instant.now().plusSeconds(60)),
                ActingFor.self());
    }

    private static List<IAuthRule> rules(String patient, String scopes) {
        return ScopeRules.forPolicy(policy(patient, scopes), FHIR, MATCHER, OWNERS, NO_REFERRERS);
    }
}
