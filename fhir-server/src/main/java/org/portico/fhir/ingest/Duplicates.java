package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * De-duplication across sources (ADR 0017, point 3): a new resource that states a fact another
 * source already sent about the same unified Patient is not stored again. The fact is the same when
 * the clinical key is: a code in common and, per type, the time and value that make it one fact
 * (Observation: effective time and value, a quantity compared at one decimal; Condition: onset;
 * AllergyIntolerance: the substance; Immunization: the date; MedicationRequest: authoredOn;
 * DiagnosticReport: effective time). Encounters and everything else are never merged.
 */
final class Duplicates {

    /** How a type's fact is found and compared. */
    private record Kind(String codeParameter, Function<Resource, CodeableConcept> code, Function<Resource, String> rest) {}

    private static final Map<String, Kind> KINDS = Map.of(
            "Observation", new Kind("code", r -> ((Observation) r).getCode(),
                    r -> time(((Observation) r).getEffective()) + "|" + value(((Observation) r).getValue())),
            "Condition", new Kind("code", r -> ((Condition) r).getCode(), r -> time(((Condition) r).getOnset())),
            "AllergyIntolerance", new Kind("code", r -> ((AllergyIntolerance) r).getCode(), r -> ""),
            "Immunization", new Kind("vaccine-code", r -> ((Immunization) r).getVaccineCode(),
                    r -> time(((Immunization) r).getOccurrence())),
            "MedicationRequest", new Kind("code", r -> ((MedicationRequest) r).hasMedicationCodeableConcept()
                    ? ((MedicationRequest) r).getMedicationCodeableConcept() : new CodeableConcept(),
                    r -> ((MedicationRequest) r).getAuthoredOnElement().getValueAsString()),
            "DiagnosticReport", new Kind("code", r -> ((DiagnosticReport) r).getCode(), r -> time(((DiagnosticReport) r).getEffective())));

    private final DaoRegistry daos;

    Duplicates(DaoRegistry daos) {
        this.daos = daos;
    }

    /**
     * The stored resource of another source stating the same fact about the same patient, or null.
     * One that already carries an id in {@code recordIdSystem} is taken: the source sent it itself or
     * another of its resources was found to be it.
     */
    Resource of(Resource resource, String unifiedPatientId, String sourceUri, String recordIdSystem) {
        Kind kind = KINDS.get(resource.fhirType());
        if (kind == null || unifiedPatientId == null) {
            return null;
        }
        List<Coding> codes = kind.code().apply(resource).getCoding().stream().filter(c -> c.hasSystem() && c.hasCode()).toList();
        if (codes.isEmpty()) {
            return null;
        }
        TokenOrListParam anyCode = new TokenOrListParam();
        codes.forEach(c -> anyCode.add(c.getSystem(), c.getCode()));
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add("patient", new ReferenceParam("Patient/" + unifiedPatientId));
        map.add(kind.codeParameter(), anyCode);
        String key = kind.rest().apply(resource);
        for (IBaseResource found : daos.getResourceDao(resource.fhirType()).search(map, new SystemRequestDetails()).getAllResources()) {
            Resource candidate = (Resource) found;
            if (!Ingestor.fromSource(candidate, sourceUri) && !carries(candidate, recordIdSystem)
                    && Objects.equals(key, kind.rest().apply(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean carries(Resource resource, String recordIdSystem) {
        for (Identifier identifier : Ingestor.identifiers(resource)) {
            if (recordIdSystem.equals(identifier.getSystem())) {
                return true;
            }
        }
        return false;
    }

    private static String time(Type value) {
        if (value instanceof org.hl7.fhir.r4.model.Period period) {
            return period.getStartElement().getValueAsString() + "/" + period.getEndElement().getValueAsString();
        }
        return value == null || value.isEmpty() ? "" : String.valueOf(value.primitiveValue());
    }

    private static String value(Type value) {
        if (value instanceof Quantity q && q.hasValue()) {
            return q.getValue().setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " " + q.getCode();
        }
        if (value instanceof CodeableConcept concept) {
            List<String> codes = new ArrayList<>();
            concept.getCoding().forEach(c -> codes.add(c.getSystem() + "|" + c.getCode()));
            codes.sort(null);
            return String.join(",", codes);
        }
        return value == null || value.isEmpty() ? "" : String.valueOf(value.primitiveValue());
    }

}
