package org.portico.auth.smart;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.ScopeSet;
import org.portico.smart.scope.StandardScope;

/**
 * Which requested scopes a client may have: a resource scope when some registered resource scope
 * {@link ResourceScope#covers covers} it, a standard scope when it is registered as such. Everything
 * else (unknown, malformed, not covered) is dropped, never widened.
 */
public final class ScopeFilter {

    private final ScopeSet registered;

    public ScopeFilter(Set<String> registeredScopes) {
        this.registered = ScopeParser.parseAll(String.join(" ", registeredScopes));
    }

    /** The requested scopes the client is allowed, as the client wrote them, in request order. */
    public Set<String> allowed(Set<String> requested) {
        Set<String> result = new LinkedHashSet<>();
        for (String token : requested) {
            if (isAllowed(ScopeParser.parse(token))) {
                result.add(token);
            }
        }
        return result;
    }

    boolean isAllowed(Scope scope) {
        if (scope instanceof StandardScope standard) {
            return registered.contains(standard);
        }
        if (scope instanceof ResourceScope resource) {
            List<ResourceScope> candidates = registered.resourceScopes(resource.compartment());
            return candidates.stream().anyMatch(r -> r.covers(resource));
        }
        return false;
    }
}
