package org.portico.fhir.authz;

import java.util.List;
import java.util.Set;

/**
 * The directory entries (Location, Organization, Practitioner, PractitionerRole, Medication ...: the
 * {@link ScopeRules#REFERENCE_TYPES}) that patients' own data refers to: what a patient-bound token's
 * search of such a type is narrowed to ({@link DirectoryNarrowing}).
 */
@FunctionalInterface
public interface DirectoryEntries {

    /**
     * The ids (no type prefix) of the resources of {@code type} that the Patient resources themselves
     * or any resource referring to one of them refer to; for PractitionerRole also the roles of such
     * Practitioners. Never null.
     */
    Set<String> referencedBy(List<String> patientIds, String type);
}
