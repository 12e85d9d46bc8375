package org.portico.fhir.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.portico.fhir.authz.SensitiveData;
import org.portico.fhir.authz.TokenAccess;

/**
 * What an AuditEvent may not name to the token reading it (issue 9, ADR 0021). An event names the
 * resources its request returned and carries its request line, so the teen's own app reading their
 * confidential care would otherwise tell a parent who searches the teen's access log what is hidden
 * from the parent (found by the conformance kit's {@code FamilyIT}). For a token with withheld labels the
 * resources an event names are looked up as stored now; an event naming one that carries a withheld
 * label (or whose URL path names one) is served without those resources and without the request's query
 * string, which may name them or their codes: who, which app, when, the interaction, the resource type and
 * the outcome stay, and so does the count of events (an access happened; what it saw is not told).
 */
public final class HiddenNames {

    private final TokenAccess access;
    private final DaoRegistry daos;

    public HiddenNames(TokenAccess access, DaoRegistry daos) {
        this.access = access;
        this.daos = daos;
    }

    /** The view of one request's token; it remembers each lookup for the request. */
    Viewer viewer(RequestDetails request) {
        return new Viewer(request == null ? Set.of() : SensitiveData.withheld(request, access));
    }

    final class Viewer {
        private final Set<String> withheld;
        private final Map<String, Boolean> hidden = new HashMap<>();

        private Viewer(Set<String> withheld) {
            this.withheld = withheld;
        }

        /** The record as this token may see it. */
        AuditRecord redact(AuditRecord r) {
            if (withheld.isEmpty()) {
                return r;
            }
            List<String> kept = r.resources().stream().filter(ref -> !hides(ref)).toList();
            String url = r.requestUrl() == null ? null : r.requestUrl();
            String path = url == null ? null : url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            boolean pathNamesHidden = path != null && hides(path.replaceFirst("^/", "").replaceFirst("/_history.*$", ""));
            if (kept.size() == r.resources().size() && !pathNamesHidden) {
                return r;
            }
            String line = pathNamesHidden || path == null ? (r.resourceType() == null ? "" : r.resourceType()) : path;
            return new AuditRecord(r.id(), r.recorded(), r.interaction(), r.httpStatus(), r.requestMethod(), r.resourceType(), line,
                    r.clientId(), r.userSubject(), r.fhirUser(), r.patients(), kept, r.sourceAddress(), r.requestId(), null);
        }

        /** Whether {@code Type/id} is a stored resource carrying a withheld label (a deleted one counts: fail closed). */
        private boolean hides(String reference) {
            String[] parts = reference.split("/");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty() || !daos.isResourceTypeSupported(parts[0])) {
                return false;
            }
            return hidden.computeIfAbsent(reference, ref -> {
                try {
                    return SensitiveData.carries(daos.getResourceDao(parts[0]).read(new IdType(parts[0], parts[1]),
                            new SystemRequestDetails()), withheld);
                } catch (ResourceNotFoundException e) {
                    return false;
                } catch (ResourceGoneException e) {
                    return true;
                }
            });
        }
    }
}
