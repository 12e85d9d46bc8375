package org.portico.auth.consent;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.ScopeVersion;

/**
 * Turns what the patient ticked into the granted scopes, in the form the app asked for.
 * <ul>
 * <li>A scope the patient unticked is not granted; fixed scopes ({@code openid}, {@code launch}...) are
 *     as approved.</li>
 * <li>A SMART v2, unrestricted resource scope of a type with {@link GranularCategories} (Condition,
 *     Observation) is offered with one box per category, all ticked. All ticked: the scope as asked
 *     ({@code patient/Observation.rs}, which also covers records of no listed category). Some ticked:
 *     one granular scope per ticked category ({@code patient/Observation.rs?category=system|code}).
 *     None ticked: nothing for that type. The type box is the master switch: unticked, the type is
 *     dropped whatever its categories say.</li>
 * <li>A v1 scope ({@code patient/Observation.read}) has no categories: v1 cannot express them, so a
 *     v1 app gets v1 scopes back. Granular scopes the app asked for itself are offered as they are.</li>
 * <li>A category value that was not offered for an approved scope is ignored (a tampered form never
 *     widens a grant).</li>
 * </ul>
 */
public final class ConsentDecision {

    /** The form field of the category boxes; each value is the granular scope it stands for. */
    public static final String GRANULAR_SCOPE_PARAMETER = "granular_scope";

    private ConsentDecision() {}

    /** The granular scopes offered in place of a resource scope; empty when it gets no category boxes. */
    public static List<ResourceScope> categoriesOffered(Scope scope) {
        if (!(scope instanceof ResourceScope resource) || resource.version() != ScopeVersion.V2 || resource.isRestricted()) {
            return List.of();
        }
        return GranularCategories.of(resource.resourceType()).stream()
                .map(c -> resource.narrowedTo(c.restriction()))
                .toList();
    }

    /**
     * @param requested the scopes of the authorization request, in request order
     * @param approved  the requested scopes the patient left ticked (and the fixed ones)
     * @param picked    the values of the ticked category boxes
     * @return the scopes to grant, in request order
     */
    public static Set<String> grant(Collection<String> requested, Collection<String> approved, Collection<String> picked) {
        Set<String> granted = new LinkedHashSet<>();
        for (String token : requested) {
            if (!approved.contains(token)) {
                continue;
            }
            List<ResourceScope> offered = categoriesOffered(ScopeParser.parse(token));
            if (offered.isEmpty()) {
                granted.add(token);
                continue;
            }
            List<String> ticked = offered.stream().map(ResourceScope::original).filter(picked::contains).toList();
            if (ticked.size() == offered.size()) {
                granted.add(token);
            } else {
                granted.addAll(ticked);
            }
        }
        return granted;
    }
}
