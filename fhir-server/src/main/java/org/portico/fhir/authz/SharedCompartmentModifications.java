package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.auth.CompartmentSearchParameterModifications;
import java.util.Set;

/**
 * "No changes to the Patient compartment", safe to share between threads. HAPI's own instance, which
 * {@code RuleBuilder.inCompartment} puts in every compartment rule, fills a {@code HashMap} on each
 * lookup ({@code computeIfAbsent}), so a rule list evaluated by concurrent requests could throw
 * {@code ConcurrentModificationException} or corrupt the map. Portico's rules are shared by every
 * request of the same grant ({@link TokenAccess}), so they are built with this read-only one.
 */
final class SharedCompartmentModifications extends CompartmentSearchParameterModifications {

    static final SharedCompartmentModifications NONE = new SharedCompartmentModifications();

    private SharedCompartmentModifications() {}

    @Override
    public Set<String> getAdditionalSearchParamNamesForResourceType(String resourceType) {
        return Set.of();
    }

    @Override
    public Set<String> getOmittedSPNamesForResourceType(String resourceType) {
        return Set.of();
    }

    @Override
    public void addSPToOmitFromCompartment(String resourceType, String searchParameter) {
        throw new UnsupportedOperationException("shared and read-only");
    }

    @Override
    public void addSPToIncludeInCompartment(String resourceType, String searchParameter) {
        throw new UnsupportedOperationException("shared and read-only");
    }
}
