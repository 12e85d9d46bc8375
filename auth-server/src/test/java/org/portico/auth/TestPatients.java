package org.portico.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Synthetic Patient resources (FHIR JSON as maps) for {@link FhirStub#PATIENTS}: each call makes a new
 * person with random names, an MRN and the contacts asked for, so tests never depend on one another's
 * patients.
 */
final class TestPatients {

    private TestPatients() {}

    /** A patient with the contacts given (null: none of that kind). */
    record Person(String id, String given, String family, String birthDate, String mrn, String email, String phone) {

        Map<String, Object> resource() {
            Map<String, Object> patient = new LinkedHashMap<>();
            patient.put("resourceType", "Patient");
            patient.put("id", id);
            patient.put("identifier", List.of(
                    Map.of("type", Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/v2-0203", "code", "MR"))),
                            "system", "http://hospital.example.org/mrn", "value", mrn)));
            patient.put("name", List.of(Map.of("use", "official", "family", family, "given", List.of(given))));
            List<Map<String, Object>> telecom = new ArrayList<>();
            if (phone != null) {
                telecom.add(Map.of("system", "phone", "value", phone, "use", "mobile"));
            }
            if (email != null) {
                telecom.add(Map.of("system", "email", "value", email));
            }
            patient.put("telecom", telecom);
            patient.put("birthDate", birthDate);
            return patient;
        }

        /** Puts the patient on the stub fhir-server. */
        Person stored() {
            FhirStub.PATIENTS.put(id, resource());
            return this;
        }
    }

    static Person person(boolean email, boolean phone) {
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        int day = 1 + (tag.hashCode() & 0x0f);
        return new Person("it-pt-" + tag, "Given" + tag, "Family" + tag, String.format("19%02d-0%d-%02d", 40 + (day * 3), 1 + day % 9, day),
                "MRN-" + tag.toUpperCase(java.util.Locale.ROOT),
                email ? "pt-" + tag + "@patients.example.org" : null,
                phone ? "+1 555 01" + String.format("%02d", day) + " " + (1000 + (tag.hashCode() & 0xfff) % 9000) : null);
    }
}
