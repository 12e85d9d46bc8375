package org.portico.fhir.authz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.ScopeSet;

/**
 * What a token may do, as data: one {@link Binding} per scope context the token uses. {@code patient/}
 * scopes bind to the token's {@code patient} claim, {@code user/} scopes to the patients the user may
 * act for ({@link ActingFor}), {@code system/} scopes to the whole server. A binding without a valid
 * patient is dropped (default deny); so are unknown scopes.
 */
public record AccessPolicy(List<Binding> bindings) {

    public AccessPolicy {
        bindings = List.copyOf(bindings);
    }

    /**
     * The grants of one scope context.
     *
     * @param context    which prefix the scopes had
     * @param patientIds the patients the grants are limited to (empty for {@code system/})
     * @param byType     per resource type ({@code *} for every type), per interaction
     */
    public record Binding(Compartment context, List<String> patientIds, Map<String, Map<Interaction, Access>> byType) {

        public Binding {
            patientIds = List.copyOf(patientIds);
            Map<String, Map<Interaction, Access>> copy = new TreeMap<>();
            byType.forEach((type, grants) -> copy.put(type, Map.copyOf(grants)));
            byType = Map.copyOf(copy);
        }

        public boolean serverWide() {
            return context == Compartment.SYSTEM;
        }

        /** The access to an interaction on a type, through the type's own scopes and {@code *}. */
        public Access access(String type, Interaction interaction) {
            Access own = byType.getOrDefault(type, Map.of()).getOrDefault(interaction, Access.NONE);
            Access any = byType.getOrDefault(ResourceScope.ANY_TYPE, Map.of()).getOrDefault(interaction, Access.NONE);
            return own.or(any);
        }
    }

    public static AccessPolicy of(VerifiedToken token, ActingFor actingFor) {
        if (token == null) {
            return new AccessPolicy(List.of());
        }
        List<Binding> bindings = new ArrayList<>();
        ScopeSet scopes = token.scopes();
        token.patient().flatMap(FhirIds::valid).ifPresent(patient ->
                binding(Compartment.PATIENT, List.of(patient), scopes).ifPresent(bindings::add));
        List<String> userPatients = actingFor.patients(token).stream()
                .map(FhirIds::valid).flatMap(Optional::stream).distinct().toList();
        if (!userPatients.isEmpty()) {
            binding(Compartment.USER, userPatients, scopes).ifPresent(bindings::add);
        }
        // a backend-services token has no user behind it; a user's token never gets server-wide access
        if (token.patient().isEmpty() && token.user().isEmpty()) {
            binding(Compartment.SYSTEM, List.of(), scopes).ifPresent(bindings::add);
        }
        return new AccessPolicy(bindings);
    }

    private static Optional<Binding> binding(Compartment context, List<String> patients, ScopeSet scopes) {
        Map<String, Map<Interaction, Access>> byType = new TreeMap<>();
        for (ResourceScope scope : scopes.resourceScopes(context)) {
            Map<Interaction, Access> grants = byType.computeIfAbsent(scope.resourceType(), t -> new EnumMap<>(Interaction.class));
            Access access = Access.of(scope.restrictions());
            for (Interaction interaction : scope.interactions()) {
                grants.merge(interaction, access, Access::or);
            }
        }
        return byType.isEmpty() ? Optional.empty() : Optional.of(new Binding(context, patients, byType));
    }

    public boolean isEmpty() {
        return bindings.isEmpty();
    }

    /** Every patient any binding is limited to; empty when the token has only server-wide access or none. */
    public List<String> patientIds() {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        bindings.forEach(b -> ids.addAll(b.patientIds()));
        return List.copyOf(ids);
    }

    public boolean hasServerWide() {
        return bindings.stream().anyMatch(Binding::serverWide);
    }

    /** The union of the access every binding gives to an interaction on a type. */
    public Access access(String type, Interaction interaction) {
        Access result = Access.NONE;
        for (Binding b : bindings) {
            result = result.or(b.access(type, interaction));
        }
        return result;
    }

    /** The context prefix that names a missing scope in an error: the first binding's, else {@code patient}. */
    public Compartment primaryContext() {
        return bindings.isEmpty() ? Compartment.PATIENT : bindings.get(0).context();
    }
}
