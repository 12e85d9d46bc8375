package org.portico.fhir.authz;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.util.FhirTerser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.portico.smart.scope.Interaction;

/**
 * ADR 0016: a Media that a DiagnosticReport shows ({@code DiagnosticReport.media.link}) is part of that
 * report, so a patient-bound token that may read the report may read the Media by id, even without a
 * Media scope (SMART apps, and Inferno's US Core reference resolution, are granted DiagnosticReport but
 * not Media, which US Core does not profile). Only a read or vread by id; only when at least one
 * DiagnosticReport that refers to the Media is itself readable by the token: in the compartment of
 * one of the token's patients and within its DiagnosticReport letters and granular restrictions (a
 * report of a category the patient did not grant opens nothing). The rule carrying this tester is
 * limited to the token's patients' compartments too, so the Media must be theirs as well. The
 * lookups are remembered in the request, for that request only.
 */
final class MediaOfReportTester implements IAuthRuleTester {

    static final String MEDIA = "Media";
    static final String DIAGNOSTIC_REPORT = "DiagnosticReport";
    /** The DiagnosticReport search parameter over {@code DiagnosticReport.media.link}. */
    static final String MEDIA_PARAM = "media";
    private static final String LOOKED = MediaOfReportTester.class.getName() + ".looked";

    private final Map<Interaction, Access> reportAccess;
    private final RestrictionMatcher matcher;
    private final Referrers referrers;
    private final Set<String> patients;
    private final FhirTerser terser;

    MediaOfReportTester(Map<Interaction, Access> reportAccess, RestrictionMatcher matcher, Referrers referrers,
            List<String> patients, FhirContext fhir) {
        this.reportAccess = Map.copyOf(reportAccess);
        this.matcher = matcher;
        this.referrers = referrers;
        this.patients = Set.copyOf(patients);
        this.terser = fhir.newTerser();
    }

    @Override
    public boolean matches(RuleTestRequest request) {
        // before the Media is loaded only the interaction is known: decided on output
        return isReadById(request.operation) && (request.resource == null || shownByReadableReport(request));
    }

    @Override
    public boolean matchesOutput(RuleTestRequest request) {
        return isReadById(request.operation) && request.resource != null && shownByReadableReport(request);
    }

    private boolean isReadById(RestOperationTypeEnum op) {
        return (op == RestOperationTypeEnum.READ || op == RestOperationTypeEnum.VREAD)
                && reportAccess.getOrDefault(Interaction.READ, Access.NONE).granted();
    }

    private boolean shownByReadableReport(RuleTestRequest request) {
        IBaseResource media = request.resource;
        if (!MEDIA.equals(media.fhirType()) || media.getIdElement().getIdPart() == null) {
            return false;
        }
        IIdType id = media.getIdElement().toUnqualifiedVersionless();
        return looked(request).computeIfAbsent(id.getValue(), k -> referrers.of(DIAGNOSTIC_REPORT, MEDIA_PARAM, id).stream()
                .anyMatch(this::readable));
    }

    private boolean readable(IBaseResource report) {
        Access read = reportAccess.getOrDefault(Interaction.READ, Access.NONE);
        if (!read.granted() || !matcher.permits(read, report)) {
            return false;
        }
        return terser.getCompartmentOwnersForResource(ScopeRules.PATIENT_COMPARTMENT, report, Set.of()).stream()
                .anyMatch(owner -> patients.contains(owner.getIdPart()));
    }

    /** The decisions of this request (one request is evaluated by one thread at a time). */
    @SuppressWarnings("unchecked")
    private static Map<String, Boolean> looked(RuleTestRequest request) {
        if (request.requestDetails == null) {
            return new HashMap<>();
        }
        return (Map<String, Boolean>) request.requestDetails.getUserData()
                .computeIfAbsent(LOOKED, k -> new HashMap<String, Boolean>());
    }
}
