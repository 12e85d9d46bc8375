package org.portico.fhir.authz;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleFinished;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;

/**
 * Turns an {@link AccessPolicy} into HAPI authorization rules, default deny. Per binding and granted
 * type: a read rule (letters {@code r}/{@code s}), and create, update ({@code write()}) and delete
 * rules, each limited to the binding's patient compartments (server-wide for {@code system/}) and
 * narrowed by a {@link ScopeTester} to the letters and granular restrictions granted. Types outside
 * the patient compartment that patient data refers to ({@link #REFERENCE_TYPES}) are readable by id,
 * never searchable, by a patient-bound token with a scope for them. Provenance is read by what its
 * targets are ({@link ProvenanceTester}), not by HAPI's compartment test. Rule names reach clients, so
 * they carry scope shapes only, never a patient id.
 */
public final class ScopeRules {

    public static final String PATIENT_COMPARTMENT = "Patient";

    /**
     * Non-patient-specific types that patient data points at (US Core reference resolution). Binary is
     * not one of them: a Binary's owner cannot be checked without a query, so patient tokens never read one.
     */
    public static final Set<String> REFERENCE_TYPES = Set.of(
            "Practitioner", "PractitionerRole", "Organization", "Location", "Medication",
            "HealthcareService", "Endpoint", "Substance");

    private static final List<Interaction> WRITES = List.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);

    private ScopeRules() {}

    static final String PROVENANCE = "Provenance";

    public static List<IAuthRule> forPolicy(AccessPolicy policy, FhirContext fhir, RestrictionMatcher matcher, TargetOwners owners,
            Referrers referrers) {
        RuleBuilder rules = new RuleBuilder();
        rules.allow("metadata").metadata();
        boolean anyWrite = false;
        for (AccessPolicy.Binding binding : policy.bindings()) {
            List<IIdType> patients = binding.patientIds().stream()
                    .map(id -> (IIdType) new IdType(PATIENT_COMPARTMENT, id)).toList();
            for (String type : binding.byType().keySet()) {
                Map<Interaction, Access> access = effective(binding, type);
                String name = binding.context().prefix() + "/" + type + "." + Interaction.letters(access.keySet());
                boolean compartmentType = ResourceScope.ANY_TYPE.equals(type) || inPatientCompartment(fhir, type);
                if (binding.serverWide()) {
                    addReadAndWrites(rules, name, type, access, matcher, true,
                            op -> op.withAnyId());
                } else if (compartmentType) {
                    addReadAndWrites(rules, name, type, access, matcher, false,
                            op -> op.inModifiedCompartment(PATIENT_COMPARTMENT, patients, SharedCompartmentModifications.NONE));
                    addProvenanceOfOwnData(rules, name, binding, type, matcher, owners);
                    addMediaOfReports(rules, name, binding, type, patients, matcher, referrers, fhir);
                }
                if (!binding.serverWide() && (ResourceScope.ANY_TYPE.equals(type) || REFERENCE_TYPES.contains(type))) {
                    for (String referenceType : ResourceScope.ANY_TYPE.equals(type) ? REFERENCE_TYPES : Set.of(type)) {
                        Map<Interaction, Access> ref = effective(binding, referenceType);
                        if (ref.containsKey(Interaction.READ) || ref.containsKey(Interaction.SEARCH)) {
                            rules.allow(name + " (reference)").read().resourcesOfType(referenceType).withAnyId()
                                    .withTester(ScopeTester.referenceOnly(ref, matcher));
                        }
                    }
                }
                anyWrite |= WRITES.stream().anyMatch(access::containsKey);
                if (!binding.serverWide() && binding.patientIds().size() > 0
                        && (type.equals(PATIENT_COMPARTMENT) || ResourceScope.ANY_TYPE.equals(type))
                        && access.containsKey(Interaction.SEARCH)) {
                    // $everything answers the compartment; every resource in it is checked on output as a search result
                    rules.allow(name + " $everything").operation().named("$everything").onInstances(patients)
                            .andRequireExplicitResponseAuthorization();
                }
            }
        }
        if (!policy.isEmpty()) {
            // batch and transaction entries are each checked by the rules above
            rules.allow("batch/transaction entries").transaction().withAnyOperation().andApplyNormalRules();
        }
        if (anyWrite) {
            // conditional URLs are narrowed to the compartment; the write itself is checked by the rules above
            rules.allow("conditional create").createConditional().allResources();
            rules.allow("conditional update").updateConditional().allResources();
            rules.allow("conditional delete").deleteConditional().allResources();
        }
        rules.denyAll("no scope grants this request");
        return rules.build();
    }

    /**
     * A Provenance is readable (by id, as a search result, as a {@code _revinclude}) when its targets are
     * the binding's patients' data ({@link ProvenanceTester}); the compartment rules leave Provenance to this one.
     */
    private static void addProvenanceOfOwnData(RuleBuilder rules, String name, AccessPolicy.Binding binding, String type,
            RestrictionMatcher matcher, TargetOwners owners) {
        if (!type.equals(PROVENANCE) && !(ResourceScope.ANY_TYPE.equals(type) && !binding.byType().containsKey(PROVENANCE))) {
            return;
        }
        Map<Interaction, Access> access = effective(binding, PROVENANCE);
        if (access.containsKey(Interaction.READ) || access.containsKey(Interaction.SEARCH)) {
            rules.allow(name + " (Provenance of own data)").read().resourcesOfType(PROVENANCE).withAnyId()
                    .withTester(new ProvenanceTester(ScopeTester.of(access, matcher, false), owners, binding.patientIds()));
        }
    }

    /**
     * ADR 0016: the Media a readable DiagnosticReport shows is readable by id with the report's scope
     * ({@link MediaOfReportTester}); nothing to add when the binding grants Media reads itself.
     */
    private static void addMediaOfReports(RuleBuilder rules, String name, AccessPolicy.Binding binding, String type,
            List<IIdType> patients, RestrictionMatcher matcher, Referrers referrers, FhirContext fhir) {
        if (!type.equals(MediaOfReportTester.DIAGNOSTIC_REPORT) || effective(binding, MediaOfReportTester.MEDIA).containsKey(Interaction.READ)) {
            return;
        }
        Map<Interaction, Access> report = effective(binding, type);
        if (report.containsKey(Interaction.READ)) {
            rules.allow(name + " (Media of a readable DiagnosticReport)").read().resourcesOfType(MediaOfReportTester.MEDIA)
                    .inModifiedCompartment(PATIENT_COMPARTMENT, patients, SharedCompartmentModifications.NONE)
                    .withTester(new MediaOfReportTester(report, matcher, referrers, binding.patientIds(), fhir));
        }
    }

    private static void addReadAndWrites(RuleBuilder rules, String name, String type, Map<Interaction, Access> access,
            RestrictionMatcher matcher, boolean serverWide, Function<IAuthRuleBuilderRuleOpClassifier, IAuthRuleFinished> classify) {
        ScopeTester tester = ScopeTester.of(access, matcher, serverWide);
        if (access.containsKey(Interaction.READ) || access.containsKey(Interaction.SEARCH)) {
            classify.apply(types(rules.allow(name).read(), type))
                    .withTester(serverWide ? tester : ScopeTester.compartment(access, matcher));
        }
        if (access.containsKey(Interaction.CREATE)) {
            classify.apply(types(rules.allow(name).create(), type)).withTester(tester);
        }
        if (access.containsKey(Interaction.UPDATE)) {
            classify.apply(types(rules.allow(name).write(), type)).withTester(tester);
        }
        if (access.containsKey(Interaction.DELETE)) {
            classify.apply(types(rules.allow(name).delete(), type)).withTester(tester);
        }
    }

    private static IAuthRuleBuilderRuleOpClassifier types(IAuthRuleBuilderRuleOp op, String type) {
        return ResourceScope.ANY_TYPE.equals(type) ? op.allResources() : op.resourcesOfType(type);
    }

    /** The letters granted on a type by the binding, with their restrictions, {@code *} included. */
    private static Map<Interaction, Access> effective(AccessPolicy.Binding binding, String type) {
        Map<Interaction, Access> result = new EnumMap<>(Interaction.class);
        for (Interaction interaction : Interaction.values()) {
            Access a = binding.access(type, interaction);
            if (a.granted()) {
                result.put(interaction, a);
            }
        }
        return result;
    }

    static boolean inPatientCompartment(FhirContext fhir, String type) {
        try {
            return type.equals(PATIENT_COMPARTMENT)
                    || !fhir.getResourceDefinition(type).getSearchParamsForCompartmentName(PATIENT_COMPARTMENT).isEmpty();
        } catch (RuntimeException unknownType) {
            return false;
        }
    }

    static List<String> names(List<IAuthRule> rules) {
        List<String> names = new ArrayList<>();
        rules.forEach(r -> names.add(r.getName()));
        return names;
    }
}
