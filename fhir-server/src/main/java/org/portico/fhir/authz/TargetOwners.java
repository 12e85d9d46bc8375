package org.portico.fhir.authz;

import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Whose data a referenced resource is: the patients whose compartment it is in, looked up in storage.
 * A Provenance is in the patient compartment only through a target that is the Patient itself, while
 * US Core's Provenance names the clinical resources it is about; this is how the authorization rules
 * tell whose those are.
 */
@FunctionalInterface
public interface TargetOwners {

    /**
     * The ids of the patients whose compartment the resource is in: empty for a resource that is no
     * patient's (a Medication, an Organization), null when it cannot be resolved (missing, deleted,
     * unknown type), which the rules treat as someone else's.
     */
    Set<String> of(IIdType reference);
}
