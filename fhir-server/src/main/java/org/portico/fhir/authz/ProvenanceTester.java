package org.portico.fhir.authz;

import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * Lets a patient-bound token see a Provenance about its patients' data ({@code _revinclude=Provenance:target},
 * a read by id) and nothing else: every target must resolve, at least one must be in the compartment
 * of one of the token's patients, and none may be in another patient's compartment (a target that is
 * no patient's data, such as a Medication, neither grants nor refuses). The letters and granular
 * restrictions are those of the token's Provenance scope ({@link ScopeTester}). Shared by every request
 * of the same grant; the lookups of targets are remembered in the request, for that request only.
 */
final class ProvenanceTester implements IAuthRuleTester {

    private static final String PATIENT = ScopeRules.PATIENT_COMPARTMENT;

    private final ScopeTester letters;
    private final TargetOwners owners;
    private final Set<String> patients;
    private static final String LOOKED = ProvenanceTester.class.getName() + ".looked";

    ProvenanceTester(ScopeTester letters, TargetOwners owners, List<String> patients) {
        this.letters = letters;
        this.owners = owners;
        this.patients = Set.copyOf(patients);
    }

    @Override
    public boolean matches(RuleTestRequest request) {
        return letters.matches(request) && (request.resource == null || aboutOwnData(request.resource, looked(request)));
    }

    @Override
    public boolean matchesOutput(RuleTestRequest request) {
        return letters.matchesOutput(request) && (request.resource == null || aboutOwnData(request.resource, looked(request)));
    }

    /** The target lookups of this request (one request is evaluated by one thread at a time). */
    @SuppressWarnings("unchecked")
    private static Map<String, Optional<Set<String>>> looked(RuleTestRequest request) {
        if (request.requestDetails == null) {
            return new HashMap<>();
        }
        return (Map<String, Optional<Set<String>>>) request.requestDetails.getUserData()
                .computeIfAbsent(LOOKED, k -> new HashMap<String, Optional<Set<String>>>());
    }

    boolean aboutOwnData(IBaseResource resource, Map<String, Optional<Set<String>>> looked) {
        if (!(resource instanceof Provenance provenance) || !provenance.hasTarget()) {
            return false;
        }
        boolean own = false;
        for (Reference target : provenance.getTarget()) {
            IIdType id = target.getReferenceElement();
            if (!target.hasReference() || id.isLocal() || id.isAbsolute() || !id.hasResourceType() || !id.hasIdPart()) {
                return false;
            }
            Set<String> whose = id.getResourceType().equals(PATIENT) ? Set.of(id.getIdPart()) : owners(id, looked);
            if (whose == null) {
                return false;
            }
            if (whose.isEmpty()) {
                continue;
            }
            if (whose.stream().noneMatch(patients::contains)) {
                return false;
            }
            own = true;
        }
        return own;
    }

    private Set<String> owners(IIdType id, Map<String, Optional<Set<String>>> looked) {
        String key = id.getResourceType() + "/" + id.getIdPart();
        return looked.computeIfAbsent(key, k -> Optional.ofNullable(owners.of(id.toUnqualifiedVersionless()))).orElse(null);
    }
}
