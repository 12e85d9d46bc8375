package org.portico.fhir.authz;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.portico.smart.scope.Interaction;

/**
 * Narrows a HAPI rule to the SMART v2 letters and granular restrictions actually granted. HAPI's
 * {@code read()} covers read, search, history and paging alike, and {@code write()} covers create and
 * update; this tester says which operation needs which letter:
 * <ul>
 *   <li>{@code r}: read, vread, instance history, and a resource brought in by {@code _include};</li>
 *   <li>{@code s}: search (GET or POST, compartment search), its pages, {@code $everything};</li>
 *   <li>{@code c}, {@code u}, {@code d}: create, update, delete, each with its conditional form.</li>
 * </ul>
 * A resource is checked against the granular restrictions of the letter it is shown under. Type-
 * and system-level history and system search are refused to patient-bound rules (their results span
 * patients); reference-only rules ({@link #referenceOnly}) never allow a search of the type itself.
 */
final class ScopeTester implements IAuthRuleTester {

    private final Map<Interaction, Access> access;
    private final RestrictionMatcher matcher;
    private final boolean serverWide;
    private final boolean referenceOnly;
    private final boolean leavesProvenance;

    private ScopeTester(Map<Interaction, Access> access, RestrictionMatcher matcher, boolean serverWide, boolean referenceOnly,
            boolean leavesProvenance) {
        this.access = Map.copyOf(access);
        this.matcher = matcher;
        this.serverWide = serverWide;
        this.referenceOnly = referenceOnly;
        this.leavesProvenance = leavesProvenance;
    }

    static ScopeTester of(Map<Interaction, Access> access, RestrictionMatcher matcher, boolean serverWide) {
        return new ScopeTester(access, matcher, serverWide, false, false);
    }

    /**
     * For a patient-compartment rule: as {@link #of}, but a loaded Provenance is left to the
     * {@link ProvenanceTester} rule, because HAPI's compartment test looks only at a target that is the
     * Patient itself and would show a Provenance that also names another patient's data.
     */
    static ScopeTester compartment(Map<Interaction, Access> access, RestrictionMatcher matcher) {
        return new ScopeTester(access, matcher, false, false, true);
    }

    /**
     * For types outside the patient compartment that a patient's data refers to: read by id, as an
     * include, and searched only as {@link DirectoryNarrowing} narrowed the search.
     */
    static ScopeTester referenceOnly(Map<Interaction, Access> access, RestrictionMatcher matcher) {
        return new ScopeTester(access, matcher, false, true, false);
    }

    private Access access(Interaction interaction) {
        return access.getOrDefault(interaction, Access.NONE);
    }

    @Override
    public boolean matches(RuleTestRequest request) {
        RestOperationTypeEnum op = request.operation;
        if (op == null || leftToProvenanceRule(request.resource)) {
            return false;
        }
        return switch (op) {
            case READ, VREAD, HISTORY_INSTANCE -> permits(Interaction.READ, request.resource);
            // a directory type only as narrowed to the entries the patients' data refers to
            case SEARCH_TYPE -> (!referenceOnly || DirectoryNarrowing.narrowed(request.requestDetails))
                    && permits(Interaction.SEARCH, request.resource);
            case SEARCH_SYSTEM, HISTORY_TYPE, HISTORY_SYSTEM -> serverWide && !referenceOnly && permits(Interaction.SEARCH, request.resource);
            // a page's own type is unknown before its resources are loaded: each is checked on output
            case GET_PAGE -> access(Interaction.SEARCH).granted() || access(Interaction.READ).granted();
            case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER ->
                    access(Interaction.SEARCH).granted() || (referenceOnly && access(Interaction.READ).granted());
            case CREATE -> !referenceOnly && permits(Interaction.CREATE, request.resource);
            case UPDATE -> !referenceOnly && permits(Interaction.UPDATE, request.resource);
            case DELETE -> !referenceOnly && permits(Interaction.DELETE, request.resource);
            default -> false;
        };
    }

    @Override
    public boolean matchesOutput(RuleTestRequest request) {
        RestOperationTypeEnum op = request.operation;
        IBaseResource resource = request.resource;
        if (op == null || leftToProvenanceRule(resource)) {
            return false;
        }
        return switch (op) {
            case READ, VREAD, HISTORY_INSTANCE -> permits(Interaction.READ, resource);
            case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE, HISTORY_TYPE, HISTORY_SYSTEM, EXTENDED_OPERATION_INSTANCE,
                    EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER -> isInclude(resource) || referenceOnly
                            ? permits(Interaction.READ, resource) || permits(Interaction.SEARCH, resource)
                            : permits(Interaction.SEARCH, resource);
            // the entries of a batch answer: each was authorized as its own read or search already
            case TRANSACTION -> permits(Interaction.READ, resource) || permits(Interaction.SEARCH, resource);
            case CREATE -> permits(Interaction.CREATE, resource);
            case UPDATE -> permits(Interaction.UPDATE, resource);
            case DELETE -> permits(Interaction.DELETE, resource);
            default -> false;
        };
    }

    private boolean leftToProvenanceRule(IBaseResource resource) {
        return leavesProvenance && resource != null && "Provenance".equals(resource.fhirType());
    }

    private boolean permits(Interaction interaction, IBaseResource resource) {
        Access a = access(interaction);
        if (!a.granted()) {
            return false;
        }
        // before a resource is loaded only the letter can be checked; its restrictions are checked on output
        return resource == null || matcher.permits(a, resource);
    }

    static boolean isInclude(IBaseResource resource) {
        return resource instanceof IAnyResource any
                && ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(any) == BundleEntrySearchModeEnum.INCLUDE;
    }
}
