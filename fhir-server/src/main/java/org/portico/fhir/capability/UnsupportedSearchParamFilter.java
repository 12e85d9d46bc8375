package org.portico.fhir.capability;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry.SearchParamLookupContextEnum;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * Takes out of the generated CapabilityStatement the search parameters that are active in the
 * registry but that HAPI's JPA search cannot run: a composite parameter with a reference component
 * (R4's {@code DocumentReference?relationship}) answers 400 "HAPI-1204: Don't know how to handle
 * composite parameter with type of REFERENCE". Declaring it would not be truthful.
 */
@Interceptor
public final class UnsupportedSearchParamFilter {

    private final ISearchParamRegistry registry;

    public UnsupportedSearchParamFilter(ISearchParamRegistry registry) {
        this.registry = registry;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void removeUnsupported(IBaseConformance capabilityStatement) {
        CapabilityStatement cs = (CapabilityStatement) capabilityStatement;
        for (CapabilityStatementRestResourceComponent resource : cs.getRestFirstRep().getResource()) {
            resource.getSearchParam().removeIf(sp -> sp.getType() == SearchParamType.COMPOSITE
                    && hasReferenceComponent(resource.getType(), sp.getName()));
        }
    }

    private boolean hasReferenceComponent(String type, String name) {
        RuntimeSearchParam param = registry.getActiveSearchParam(type, name, SearchParamLookupContextEnum.SEARCH);
        if (param == null) {
            return false;
        }
        for (RuntimeSearchParam.Component component : param.getComponents()) {
            RuntimeSearchParam target = registry.getActiveSearchParamByUrl(component.getReference(), SearchParamLookupContextEnum.SEARCH);
            if (target == null || target.getParamType() == RestSearchParameterTypeEnum.REFERENCE) {
                return true;
            }
        }
        return false;
    }
}
