package org.portico.auth.proxy;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.ScopeVersion;

/**
 * A read-only proxy's grant: resource scopes keep only their read and search permissions
 * ({@code patient/*.cruds} becomes {@code patient/*.rs}, v1 {@code patient/*.*} becomes
 * {@code patient/*.read}); a scope that allowed only writing is dropped. Other scopes are kept.
 */
public final class ReadOnlyScopes {

    private static final Set<Interaction> READING = EnumSet.of(Interaction.READ, Interaction.SEARCH);

    private ReadOnlyScopes() {}

    public static Set<String> filter(Collection<String> scopes) {
        Set<String> result = new LinkedHashSet<>();
        for (String token : scopes) {
            Scope scope = ScopeParser.parse(token);
            if (!(scope instanceof ResourceScope resource)) {
                result.add(token);
                continue;
            }
            Set<Interaction> kept = EnumSet.noneOf(Interaction.class);
            kept.addAll(resource.interactions());
            kept.retainAll(READING);
            if (kept.isEmpty()) {
                continue;
            }
            if (kept.equals(resource.interactions())) {
                result.add(token);
            } else if (resource.version() == ScopeVersion.V1) {
                result.add(resource.compartment().prefix() + "/" + resource.resourceType() + ".read");
            } else {
                String base = resource.compartment().prefix() + "/" + resource.resourceType() + "." + Interaction.letters(kept);
                result.add(resource.rawQuery().isEmpty() ? base : base + "?" + resource.rawQuery());
            }
        }
        return result;
    }

    /** Whether any of these scopes lets its bearer write (create, update or delete). */
    public static boolean writes(Collection<String> scopes) {
        return scopes.stream().map(ScopeParser::parse).anyMatch(s -> s instanceof ResourceScope r
                && (r.allows(Interaction.CREATE) || r.allows(Interaction.UPDATE) || r.allows(Interaction.DELETE)));
    }
}
