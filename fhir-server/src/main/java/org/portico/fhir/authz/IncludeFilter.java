package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Leaves out of a search answer the resources that {@code _include}/{@code _revinclude} brought in
 * and that the token may not read (another type, a category not granted, outside the compartment),
 * instead of failing the whole search. Runs just before {@link ScopeAuthorizationInterceptor}'s own
 * output check, which still refuses any primary match the token may not see.
 */
@Interceptor
public final class IncludeFilter {

    private final ScopeAuthorizationInterceptor authorization;

    public IncludeFilter(ScopeAuthorizationInterceptor authorization) {
        this.authorization = authorization;
    }

    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -10)
    public void dropUnreadableIncludes(RequestDetails request, IPreResourceShowDetails details) {
        if (request == null || request.getRestOperationType() == null) {
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource != null && ScopeTester.isInclude(resource)
                    && authorization.applyRulesAndReturnDecision(request.getRestOperationType(), request, null, null,
                                    resource, Pointcut.STORAGE_PRESHOW_RESOURCES)
                            .getDecision() != PolicyEnum.ALLOW) {
                details.setResource(i, null);
            }
        }
    }
}
