package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.portico.smart.scope.Interaction;

/**
 * Lets a patient-bound token search the directory types its patients' data refers to (US Core: a
 * Location by {@code name} or {@code address}, the PractitionerRole of a referenced Practitioner)
 * without opening the directory: the search is narrowed with {@code _id} to the entries that data
 * refers to ({@link DirectoryEntries}), the rest of the query applies within them. Parameters that
 * would reach into other resources (chains, {@code _has}, {@code _filter}, text search) are refused,
 * because they could tell whether someone else's data refers to an entry. Runs before the
 * authorization rules, which let a reference type be searched only when this narrowing was applied
 * ({@link #narrowed}) and the token has the letter {@code s} for the type.
 */
@Interceptor
public final class DirectoryNarrowing {

    private static final String NARROWED = DirectoryNarrowing.class.getName() + ".narrowed";
    /** An id no resource can have ({@code _id} values are at most 64 characters): nothing matches. */
    static final String NO_MATCH = "portico-no-directory-entry-" + "x".repeat(40);
    private static final Set<String> REFUSED = Set.of("_has", "_filter", "_content", "_text", "_query", "_list");
    private static final Set<String> ALLOWED_MODIFIERS = Set.of("exact", "contains", "missing", "text", "not",
            "above", "below", "in", "not-in", "of-type", "identifier");

    private final TokenAccess access;
    private final DirectoryEntries entries;

    public DirectoryNarrowing(TokenAccess access, DirectoryEntries entries) {
        this.access = access;
        this.entries = entries;
    }

    /** Whether this request is a directory search narrowed to the token's patients' entries. */
    static boolean narrowed(RequestDetails request) {
        return request != null && Boolean.TRUE.equals(request.getUserData().get(NARROWED));
    }

    /** Where HAPI's own search narrowing runs (the method is chosen, its parameters not yet parsed), after SearchSizeLimit. */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 100)
    public void narrow(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE
                || !ScopeRules.REFERENCE_TYPES.contains(request.getResourceName())) {
            return;
        }
        AccessPolicy policy = access.of(request).policy();
        List<String> patients = policy.patientIds();
        if (policy.hasServerWide() || patients.isEmpty() || !policy.access(request.getResourceName(), Interaction.SEARCH).granted()) {
            return; // server-wide tokens search everything; the rest are refused by the rules
        }
        Map<String, String[]> params = request.getParameters();
        for (String name : params.keySet()) {
            if (!allowed(name)) {
                throw new ForbiddenOperationException("Access denied: a patient's token searches "
                        + request.getResourceName() + " by its own parameters only (no chains, _has or _filter)");
            }
        }
        Set<String> ids = entries.referencedBy(patients, request.getResourceName());
        Map<String, String[]> narrowed = new LinkedHashMap<>(params);
        String[] existing = params.get("_id");
        String own = ids.isEmpty() ? NO_MATCH : String.join(",", ids.stream().sorted().toList());
        if (existing == null) {
            narrowed.put("_id", new String[] {own});
        } else {
            String[] and = java.util.Arrays.copyOf(existing, existing.length + 1);
            and[existing.length] = own;
            narrowed.put("_id", and);
        }
        request.setParameters(narrowed);
        request.getUserData().put(NARROWED, Boolean.TRUE);
    }

    static boolean allowed(String parameter) {
        if (parameter.startsWith("_has") || parameter.contains(".")) {
            return false;
        }
        int colon = parameter.indexOf(':');
        String name = colon < 0 ? parameter : parameter.substring(0, colon);
        if (REFUSED.contains(name)) {
            return false;
        }
        return colon < 0 || ALLOWED_MODIFIERS.contains(parameter.substring(colon + 1));
    }
}
