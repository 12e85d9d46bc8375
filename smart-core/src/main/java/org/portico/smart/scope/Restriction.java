package org.portico.smart.scope;

import java.util.Objects;

/**
 * One search-parameter restriction of a granular scope, e.g. {@code category} =
 * {@code http://terminology.hl7.org/CodeSystem/observation-category|laboratory}. The value is
 * URL-decoded; a comma in it means OR, as in a FHIR search.
 */
public record Restriction(String parameter, String value) {

    public Restriction {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(value, "value");
    }
}
