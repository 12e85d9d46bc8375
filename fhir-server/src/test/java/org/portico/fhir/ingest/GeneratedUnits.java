package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * Small made-up ingest units for tests that need many of them: unit {@code n} is one person (a Patient
 * with an MRN, a name, sex and birth date unlike every other unit's) and a few heart-rate Observations.
 * Source ids: {@code p-n} and {@code o-n-i}.
 */
final class GeneratedUnits {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GeneratedUnits() {}

    static String unit(String prefix, int n, int observations, String mrnSystem) {
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        ArrayNode entries = bundle.putArray("entry");
        String patientUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((prefix + "p" + n).getBytes());
        ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", prefix + "p-" + n);
        patient.putArray("identifier").addObject().put("system", mrnSystem).put("value", prefix + "mrn-" + n);
        ObjectNode name = patient.putArray("name").addObject().put("family", "Generated" + prefix + Integer.toString(n, 26));
        name.putArray("given").add("Unit");
        patient.put("gender", n % 2 == 0 ? "female" : "male");
        // unlike any other unit's birth date below 420 units, so no two generated people are candidates
        patient.put("birthDate", String.format("19%02d-%02d-%02d", 30 + n % 60, 1 + n % 12, 1 + n % 28));
        entries.addObject().put("fullUrl", patientUrl).set("resource", patient);
        for (int i = 0; i < observations; i++) {
            ObjectNode observation = JSON.createObjectNode().put("resourceType", "Observation").put("id", prefix + "o-" + n + "-" + i)
                    .put("status", "final").put("effectiveDateTime", "2026-01-0" + (1 + i % 9) + "T10:00:00Z");
            observation.putArray("category").addObject().putArray("coding").addObject()
                    .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", "vital-signs");
            observation.putObject("code").putArray("coding").addObject().put("system", "http://loinc.org").put("code", "8867-4")
                    .put("display", "Heart rate");
            observation.putObject("subject").put("reference", patientUrl);
            observation.putObject("valueQuantity").put("value", 60 + i).put("unit", "/min").put("system", "http://unitsofmeasure.org")
                    .put("code", "/min");
            entries.addObject().put("fullUrl", "urn:uuid:" + UUID.nameUUIDFromBytes((prefix + "o" + n + "-" + i).getBytes()))
                    .set("resource", observation);
        }
        return bundle.toString();
    }
}
