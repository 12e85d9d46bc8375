package org.portico.fhir.authz;

import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifierFinished;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.IdType;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;

/**
 * Turns a verified token into HAPI authorization rules, default deny: {@code metadata}, then for
 * each granted type a read rule limited to the token's patient compartment and to the granted
 * letters. Rule names reach clients, so they carry scope shapes only, never a patient id.
 */
public final class ScopeRules {

    public static final String PATIENT_COMPARTMENT = "Patient";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private ScopeRules() {}

    public static List<IAuthRule> forToken(VerifiedToken token) {
        RuleBuilder rules = new RuleBuilder();
        rules.allow("metadata").metadata();
        String patientId = token == null ? null : token.patient().filter(p -> FHIR_ID.matcher(p).matches()).orElse(null);
        if (patientId != null) {
            IdType patient = new IdType(PATIENT_COMPARTMENT, patientId);
            for (Map.Entry<String, Set<Interaction>> grant : PatientGrants.of(token.scopes()).byType().entrySet()) {
                String type = grant.getKey();
                String name = "patient/" + type + "." + Interaction.letters(grant.getValue());
                IAuthRuleBuilderRuleOpClassifierFinished rule = ResourceScope.ANY_TYPE.equals(type)
                        ? rules.allow(name).read().allResources().inCompartment(PATIENT_COMPARTMENT, patient)
                        : rules.allow(name).read().resourcesOfType(type).inCompartment(PATIENT_COMPARTMENT, patient);
                rule.withTester(new OperationTester(grant.getValue()));
            }
        }
        rules.denyAll("no scope grants this request");
        return rules.build();
    }
}
