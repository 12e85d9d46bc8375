package org.portico.smart.scope;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The parsed scopes of one request or token, in the order given. */
public record ScopeSet(List<Scope> scopes) {

    public ScopeSet {
        scopes = List.copyOf(scopes);
    }

    public static ScopeSet parse(String scopes) {
        return ScopeParser.parseAll(scopes);
    }

    public List<ResourceScope> resourceScopes() {
        return scopes.stream()
                .filter(ResourceScope.class::isInstance)
                .map(ResourceScope.class::cast)
                .toList();
    }

    public List<ResourceScope> resourceScopes(Compartment compartment) {
        return resourceScopes().stream().filter(s -> s.compartment() == compartment).toList();
    }

    public List<UnknownScope> unknown() {
        return scopes.stream()
                .filter(UnknownScope.class::isInstance)
                .map(UnknownScope.class::cast)
                .toList();
    }

    public boolean contains(StandardScope scope) {
        return scopes.contains(scope);
    }

    /** Whether the token asks for a refresh token ({@code offline_access} or {@code online_access}). */
    public boolean requestsRefreshToken() {
        return scopes.stream().anyMatch(s -> s instanceof StandardScope st && st.requestsRefreshToken());
    }

    /**
     * Whether any scope lets the holder perform the interaction on the type, ignoring restrictions
     * (the caller applies those).
     */
    public boolean allows(Compartment compartment, String resourceType, Interaction interaction) {
        return resourceScopes(compartment).stream()
                .anyMatch(s -> s.appliesTo(resourceType) && s.allows(interaction));
    }

    /** The known scopes only, as they were sent (duplicates removed, order kept). */
    public Set<String> knownOriginals() {
        return scopes.stream()
                .filter(Scope::isKnown)
                .map(Scope::original)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The known scopes in v2 form, space-separated (duplicates removed, order kept). */
    public String normalized() {
        return scopes.stream()
                .filter(Scope::isKnown)
                .map(Scope::normalized)
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .stream()
                .collect(Collectors.joining(" "));
    }

    /** The scopes as sent, space-separated; unknown ones included. */
    public String original() {
        return scopes.stream().map(Scope::original).collect(Collectors.joining(" "));
    }
}
