package org.portico.fhir.authz;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.List;
import org.portico.fhir.security.BearerTokenInterceptor;

/**
 * HAPI's AuthorizationInterceptor (default deny, checks outputs too, so {@code _include} and
 * {@code _revinclude} cannot leak) fed with the rules of the request's token.
 */
public final class ScopeAuthorizationInterceptor extends AuthorizationInterceptor {

    public ScopeAuthorizationInterceptor() {
        super(PolicyEnum.DENY);
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        return ScopeRules.forToken(BearerTokenInterceptor.token(request).orElse(null));
    }
}
