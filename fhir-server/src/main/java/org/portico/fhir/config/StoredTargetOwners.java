package org.portico.fhir.config;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.portico.fhir.authz.ScopeRules;
import org.portico.fhir.authz.TargetOwners;

/**
 * {@link TargetOwners} from the database: the referenced resource is read as the system (so none of
 * the request's interceptors, audit included, see the lookup) and its patient-compartment owners
 * taken by HAPI's own compartment rules.
 */
final class StoredTargetOwners implements TargetOwners {

    private final DaoRegistry daos;
    private final FhirTerser terser;

    StoredTargetOwners(DaoRegistry daos) {
        this.daos = daos;
        this.terser = daos.getSystemDao().getContext().newTerser();
    }

    @Override
    public Set<String> of(IIdType reference) {
        if (!daos.isResourceTypeSupported(reference.getResourceType())) {
            return null;
        }
        try {
            IBaseResource target = daos.getResourceDao(reference.getResourceType())
                    .read(reference.toUnqualifiedVersionless(), new SystemRequestDetails());
            return terser.getCompartmentOwnersForResource(ScopeRules.PATIENT_COMPARTMENT, target, Set.of()).stream()
                    .map(IIdType::getIdPart)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (BaseServerResponseException notReadable) {
            return null;
        }
    }
}
