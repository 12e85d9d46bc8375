package org.portico.fhir.authz;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.ScopeSet;

/**
 * What a patient-context token may do, per resource type ({@code *} for every type): the union of
 * its {@code patient/} scopes, reduced to what this server enforces, read ({@code r}) and search
 * ({@code s}). Scopes the server cannot enforce yet are dropped, never widened: {@code c/u/d}
 * letters, granular {@code ?param=value} restrictions, and {@code user/} or {@code system/} scopes.
 */
public record PatientGrants(Map<String, Set<Interaction>> byType) {

    static final Set<Interaction> ENFORCED = EnumSet.of(Interaction.READ, Interaction.SEARCH);

    public PatientGrants {
        byType = Map.copyOf(byType);
    }

    public static PatientGrants of(ScopeSet scopes) {
        Map<String, Set<Interaction>> byType = new TreeMap<>();
        for (ResourceScope scope : scopes.resourceScopes(Compartment.PATIENT)) {
            if (scope.isRestricted()) {
                continue;
            }
            Set<Interaction> granted = EnumSet.noneOf(Interaction.class);
            granted.addAll(scope.interactions());
            granted.retainAll(ENFORCED);
            if (!granted.isEmpty()) {
                byType.computeIfAbsent(scope.resourceType(), t -> EnumSet.noneOf(Interaction.class)).addAll(granted);
            }
        }
        byType.replaceAll((type, set) -> Set.copyOf(set));
        return new PatientGrants(byType);
    }

    public boolean isEmpty() {
        return byType.isEmpty();
    }

    /** Whether the grants allow the interaction on the type, directly or through {@code *}. */
    public boolean allows(String resourceType, Interaction interaction) {
        return byType.getOrDefault(resourceType, Set.of()).contains(interaction)
                || byType.getOrDefault(ResourceScope.ANY_TYPE, Set.of()).contains(interaction);
    }
}
