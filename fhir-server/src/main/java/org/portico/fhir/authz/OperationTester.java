package org.portico.fhir.authz;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.EnumSet;
import java.util.Set;
import org.portico.smart.scope.Interaction;

/**
 * Narrows a HAPI {@code read()} rule, which covers both read and search, to the SMART v2 letters
 * actually granted: {@code r} allows read and vread, {@code s} allows search and its paging.
 */
final class OperationTester implements IAuthRuleTester {

    static final Set<RestOperationTypeEnum> READ_OPERATIONS = EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);
    static final Set<RestOperationTypeEnum> SEARCH_OPERATIONS = EnumSet.of(
            RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE);

    private final Set<RestOperationTypeEnum> allowed;

    OperationTester(Set<Interaction> granted) {
        Set<RestOperationTypeEnum> ops = EnumSet.noneOf(RestOperationTypeEnum.class);
        if (granted.contains(Interaction.READ)) {
            ops.addAll(READ_OPERATIONS);
        }
        if (granted.contains(Interaction.SEARCH)) {
            ops.addAll(SEARCH_OPERATIONS);
        }
        this.allowed = ops;
    }

    boolean allows(RestOperationTypeEnum operation) {
        return operation != null && allowed.contains(operation);
    }

    @Override
    public boolean matches(RuleTestRequest request) {
        return allows(request.operation);
    }

    @Override
    public boolean matchesOutput(RuleTestRequest request) {
        return allows(request.operation);
    }
}
