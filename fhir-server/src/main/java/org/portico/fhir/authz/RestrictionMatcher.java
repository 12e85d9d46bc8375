package org.portico.fhir.authz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.portico.smart.scope.Restriction;

/**
 * Evaluates a granular scope's restrictions against a resource in memory, as the same search would
 * in the database. A restriction the matcher cannot evaluate does not match (default deny).
 */
@FunctionalInterface
public interface RestrictionMatcher {

    /** Whether the resource matches the search criteria, e.g. {@code Observation?category=...}. */
    boolean matches(String criteria, IBaseResource resource);

    default boolean matchesAll(List<Restriction> restrictions, IBaseResource resource) {
        String type = resource.fhirType();
        return matches(type + "?" + query(restrictions), resource);
    }

    default boolean permits(Access access, IBaseResource resource) {
        if (access.unrestricted()) {
            return true;
        }
        return resource != null && access.anyOf().stream().anyMatch(group -> matchesAll(group, resource));
    }

    static String query(List<Restriction> restrictions) {
        return restrictions.stream()
                .map(r -> r.parameter() + "=" + URLEncoder.encode(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
