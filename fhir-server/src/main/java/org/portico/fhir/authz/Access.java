package org.portico.fhir.authz;

import java.util.ArrayList;
import java.util.List;
import org.portico.smart.scope.Restriction;

/**
 * What one interaction on one resource type is granted for: every resource ({@link #unrestricted()}),
 * or only resources matching any one of the granular restriction groups (each group is the
 * {@code ?param=value&...} of one scope, all of which must hold). A wide grant wins over granular
 * ones; granular grants of several scopes add up (OR).
 */
public record Access(boolean unrestricted, List<List<Restriction>> anyOf) {

    public static final Access NONE = new Access(false, List.of());
    public static final Access ALL = new Access(true, List.of());

    public Access {
        anyOf = unrestricted ? List.of() : anyOf.stream().map(List::copyOf).toList();
    }

    public boolean granted() {
        return unrestricted || !anyOf.isEmpty();
    }

    public Access or(Access other) {
        if (unrestricted || other.unrestricted) {
            return ALL;
        }
        List<List<Restriction>> groups = new ArrayList<>(anyOf);
        for (List<Restriction> group : other.anyOf) {
            if (!groups.contains(group)) {
                groups.add(group);
            }
        }
        return new Access(false, groups);
    }

    static Access of(List<Restriction> restrictions) {
        return restrictions.isEmpty() ? ALL : new Access(false, List.of(restrictions));
    }
}
