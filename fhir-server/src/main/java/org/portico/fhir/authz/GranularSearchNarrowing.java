package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.Restriction;

/**
 * Adds a granular scope's restrictions to a search of its type, so that
 * {@code Observation?patient=x} under {@code patient/Observation.rs?category=...|laboratory} answers
 * exactly the patient's laboratory Observations (the resource-level result, filtered). The added
 * parameter ANDs with the client's own; several granted values of one parameter OR (comma). A set of
 * restrictions that one search cannot express (different parameters across scopes) is left to the
 * output check, which refuses the search if it would return anything outside the grant.
 */
@Interceptor
public final class GranularSearchNarrowing {

    private final TokenAccess access;

    public GranularSearchNarrowing(TokenAccess access) {
        this.access = access;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 10)
    public void narrow(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null) {
            return;
        }
        Access search = access.of(request).policy().access(request.getResourceName(), Interaction.SEARCH);
        if (search.unrestricted() || !search.granted()) {
            return;
        }
        parameters(search).ifPresent(extra -> {
            Map<String, String[]> params = new HashMap<>(request.getParameters());
            extra.forEach((name, value) -> params.merge(name, new String[] {value}, GranularSearchNarrowing::concat));
            request.setParameters(params);
        });
    }

    /** The search parameters that select exactly the resources the granular grant allows, if one search can say it. */
    static Optional<Map<String, String>> parameters(Access access) {
        List<List<Restriction>> groups = access.anyOf();
        Map<String, String> result = new HashMap<>();
        if (groups.size() == 1) {
            Map<String, Set<String>> and = new HashMap<>();
            for (Restriction r : groups.get(0)) {
                if (and.containsKey(r.parameter())) {
                    return Optional.empty();
                }
                and.put(r.parameter(), Set.of(r.value()));
                result.put(r.parameter(), r.value());
            }
            return Optional.of(result);
        }
        String parameter = null;
        Set<String> values = new LinkedHashSet<>();
        for (List<Restriction> group : groups) {
            if (group.size() != 1 || (parameter != null && !parameter.equals(group.get(0).parameter()))) {
                return Optional.empty();
            }
            parameter = group.get(0).parameter();
            values.add(group.get(0).value());
        }
        result.put(parameter, String.join(",", values));
        return Optional.of(result);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
