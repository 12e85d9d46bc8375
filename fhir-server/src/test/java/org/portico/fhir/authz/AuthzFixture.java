package org.portico.fhir.authz;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Test data for the authorization tests, added next to the demo patients through the DAOs (never
 * over HTTP), idempotently (fixed ids, updated in place): for each of two patients an Observation
 * with two categories, a survey Observation, Conditions of two categories, a DocumentReference
 * pointing at a Binary, and a Provenance. {@link #owned} lists every resource in a patient's
 * compartment, so that the tests can look for any of them in a response.
 */
final class AuthzFixture {

    static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String COND_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String LAB = OBS_CATEGORY + "|laboratory";
    static final String VITALS = OBS_CATEGORY + "|vital-signs";
    static final String ENCOUNTER_DIAGNOSIS = COND_CATEGORY + "|encounter-diagnosis";
    static final String PROBLEM = COND_CATEGORY + "|problem-list-item";

    /** Types in the patient compartment that the demo data and the fixture hold. */
    static final List<String> PATIENT_DATA_TYPES = List.of("Observation", "Condition", "Encounter", "Claim",
            "ExplanationOfBenefit", "MedicationRequest", "Procedure", "Immunization", "DiagnosticReport", "CarePlan",
            "ImagingStudy", "DocumentReference", "Provenance");

    record PatientData(String id, String family, String given, Map<String, List<String>> owned) {

        String reference() {
            return "Patient/" + id;
        }

        List<String> ids(String type) {
            return owned.getOrDefault(type, List.of());
        }

        String tag() {
            return id.substring(0, 8);
        }
    }

    private AuthzFixture() {}

    static synchronized PatientData load(DaoRegistry daos, String patientId) {
        SystemRequestDetails system = new SystemRequestDetails();
        Patient patient = (Patient) daos.getResourceDao("Patient").read(new org.hl7.fhir.r4.model.IdType("Patient", patientId), system);
        String tag = patientId.substring(0, 8);
        Reference subject = new Reference("Patient/" + patientId);

        Binary binary = new Binary();
        binary.setId("authz-bin-" + tag);
        binary.setContentType("text/plain");
        binary.setData(("note of " + tag).getBytes(StandardCharsets.UTF_8));
        update(daos, binary);

        DocumentReference doc = new DocumentReference();
        doc.setId("authz-doc-" + tag);
        doc.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        doc.setSubject(subject);
        doc.setType(new CodeableConcept(new Coding("http://loinc.org", "34133-9", "Summary of episode note")));
        doc.addCategory(new CodeableConcept(new Coding("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note", null)));
        doc.setDate(new Date());
        doc.addContent().getAttachment().setContentType("text/plain").setUrl("Binary/authz-bin-" + tag);
        update(daos, doc);

        Observation multi = new Observation();
        multi.setId("authz-multi-" + tag);
        multi.setStatus(Observation.ObservationStatus.FINAL);
        multi.addIdentifier().setSystem("urn:portico:authz").setValue("multi-" + tag);
        multi.addCategory(new CodeableConcept(new Coding(OBS_CATEGORY, "vital-signs", null)));
        multi.addCategory(new CodeableConcept(new Coding(OBS_CATEGORY, "laboratory", null)));
        multi.setCode(new CodeableConcept(new Coding("http://loinc.org", "2339-0", "Glucose")));
        multi.setSubject(subject);
        multi.setEffective(new org.hl7.fhir.r4.model.DateTimeType(new Date()));
        update(daos, multi);

        Condition diagnosis = condition("authz-dx-" + tag, subject, "encounter-diagnosis", "44054006");
        update(daos, diagnosis);
        Condition problem = condition("authz-problem-" + tag, subject, "problem-list-item", "38341003");
        update(daos, problem);

        Provenance provenance = new Provenance();
        provenance.setId("authz-prov-" + tag);
        provenance.addTarget(subject);
        provenance.addTarget(new Reference("Observation/authz-multi-" + tag));
        provenance.setRecorded(new Date());
        provenance.addAgent().setWho(new Reference().setDisplay("Portico test"));
        update(daos, provenance);

        Map<String, List<String>> owned = new LinkedHashMap<>();
        for (String type : PATIENT_DATA_TYPES) {
            String param = type.equals("Provenance") ? "patient" : "patient";
            SearchParameterMap map = SearchParameterMap.newSynchronous(param, new ReferenceParam("Patient/" + patientId));
            List<String> ids = new ArrayList<>();
            for (IBaseResource r : daos.getResourceDao(type).search(map, system).getAllResources()) {
                ids.add(r.getIdElement().getIdPart());
            }
            owned.put(type, List.copyOf(ids));
        }
        owned.put("Patient", List.of(patientId));
        owned.put("Binary", List.of("authz-bin-" + tag));
        return new PatientData(patientId, patient.getNameFirstRep().getFamily(),
                patient.getNameFirstRep().getGivenAsSingleString(), owned);
    }

    private static Condition condition(String id, Reference subject, String category, String snomed) {
        Condition c = new Condition();
        c.setId(id);
        c.addCategory(new CodeableConcept(new Coding(COND_CATEGORY, category, null)));
        c.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        c.setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null)));
        c.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", snomed, null)));
        c.setSubject(subject);
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void update(DaoRegistry daos, Resource resource) {
        IFhirResourceDao dao = daos.getResourceDao(resource.fhirType());
        dao.update(resource, new SystemRequestDetails());
    }
}
