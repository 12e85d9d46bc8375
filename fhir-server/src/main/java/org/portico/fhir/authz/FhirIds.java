package org.portico.fhir.authz;

import java.util.Optional;
import java.util.regex.Pattern;

/** Checks ids that come from token claims before they are used in rules or searches. */
final class FhirIds {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private FhirIds() {}

    static Optional<String> valid(String id) {
        return id != null && FHIR_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /**
     * The Patient id of a {@code fhirUser} value ({@code https://host/fhir/Patient/123} or
     * {@code Patient/123}), empty when it names another type (Practitioner, RelatedPerson...).
     */
    static Optional<String> patientIdOf(String fhirUser) {
        String[] parts = fhirUser.split("/");
        if (parts.length < 2 || !parts[parts.length - 2].equals(ScopeRules.PATIENT_COMPARTMENT)) {
            return Optional.empty();
        }
        return valid(parts[parts.length - 1]);
    }
}
