package org.portico.fhir.authz;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Set;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI's AuthorizationInterceptor (default deny, checks outputs too, so {@code _include},
 * {@code _revinclude}, history, pages, batch entries and {@code $everything} cannot leak) fed with the
 * rules of the request's token. A denial answers 403 with an OperationOutcome naming the scope the
 * request needed ({@link DeniedMessage}); for a patient-bound token a read of an id that does not exist
 * (404) or was deleted (410) answers the very same 403, so that a token cannot tell another patient's
 * resource from no resource.
 */
public final class ScopeAuthorizationInterceptor extends AuthorizationInterceptor {

    private static final Logger log = LoggerFactory.getLogger("org.portico.fhir.authz");
    private static final Set<RestOperationTypeEnum> BY_ID = Set.of(
            RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.HISTORY_INSTANCE,
            RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, RestOperationTypeEnum.META);

    private static final String ADMITTED_OPERATION = ScopeAuthorizationInterceptor.class.getName() + ".admittedOperation";

    private final TokenAccess access;
    private final BulkExportAuthorization bulk;
    private final List<AdmittedOperation> admitted;

    public ScopeAuthorizationInterceptor(TokenAccess access) {
        this(access, null);
    }

    /** With Bulk Data export ({@code $export}, its status and files) decided by {@code bulk} (ADR 0013). */
    public ScopeAuthorizationInterceptor(TokenAccess access, BulkExportAuthorization bulk) {
        this(access, bulk, List.of());
    }

    /** And server operations that decide their own admission ({@link AdmittedOperation}: ingest, ADR 0017). */
    public ScopeAuthorizationInterceptor(TokenAccess access, BulkExportAuthorization bulk, List<AdmittedOperation> admitted) {
        super(PolicyEnum.DENY);
        this.access = access;
        this.bulk = bulk;
        this.admitted = List.copyOf(admitted);
    }

    /**
     * The interactions a token may ask for at all; anything else ({@code $meta}, {@code $validate},
     * GraphQL, PATCH, tag operations, other operations) is refused before HAPI's
     * rules run, because those rules do not check it (HAPI examines neither input nor output of some)
     * or this server does not enforce scopes on it yet.
     */
    static final Set<RestOperationTypeEnum> SUPPORTED = Set.of(
            RestOperationTypeEnum.METADATA, RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
            RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE,
            RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM,
            RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE,
            RestOperationTypeEnum.TRANSACTION);
    static final Set<String> SUPPORTED_OPERATIONS = Set.of("$everything");

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -100)
    public void refuseUnenforcedInteractions(RequestDetails request) {
        RestOperationTypeEnum op = request.getRestOperationType();
        if (op == null || SUPPORTED.contains(op)) {
            return;
        }
        if (bulk != null && bulk.isBulkOperation(request)) {
            bulk.admit(request);
            return;
        }
        if (op == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
            for (AdmittedOperation operation : admitted) {
                if (operation.handles(request)) {
                    operation.admit(request);
                    request.getUserData().put(ADMITTED_OPERATION, request.getOperation());
                    return;
                }
            }
        }
        if (op == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE && SUPPORTED_OPERATIONS.contains(request.getOperation())) {
            return;
        }
        log.debug("refused interaction: operation={} name={} type={}", op, request.getOperation(), request.getResourceName());
        throw forbidden(request);
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        Object operation = request.getUserData().get(ADMITTED_OPERATION);
        if (operation instanceof String name && name.equals(request.getOperation())
                && request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
            return new RuleBuilder().allow(name).operation().named(name).onServer().andAllowAllResponses()
                    .andThen().denyAll("no scope grants this request").build();
        }
        List<IAuthRule> rules = access.of(request).rules();
        return bulk == null ? rules : bulk.rules(request, rules);
    }

    @Override
    protected void handleDeny(RequestDetails request, Verdict decision) {
        log.debug("denied: client={} operation={} type={} verdict={}",
                BearerTokenInterceptor.token(request).map(t -> t.clientId()).orElse(null),
                request.getRestOperationType(), request.getResourceName(), decision);
        throw forbidden(request);
    }

    private ForbiddenOperationException forbidden(RequestDetails request) {
        AccessPolicy policy = access.of(request).policy();
        return new ForbiddenOperationException(DeniedMessage.of(policy, request.getRestOperationType(), request.getResourceName()));
    }

    /** Not-found and gone answer exactly as a denial does, for every token that is not server-wide. */
    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException hideExistence(RequestDetails request, Throwable exception) {
        if ((exception instanceof ResourceNotFoundException || exception instanceof ResourceGoneException)
                && request != null && request.getRestOperationType() != null
                && BY_ID.contains(request.getRestOperationType())
                && BearerTokenInterceptor.token(request).isPresent()
                && !access.of(request).policy().hasServerWide()) {
            return forbidden(request);
        }
        return null;
    }

    /** The diagnostics of a denial: the scope the request needed, nothing about the data. */
    static final class DeniedMessage {

        private DeniedMessage() {}

        static String of(AccessPolicy policy, RestOperationTypeEnum op, String type) {
            Interaction needed = needed(op);
            Compartment context = policy.primaryContext();
            if (needed == null || type == null || type.isBlank()) {
                return "Access denied: this token's scopes do not allow this operation"
                        + (op == null ? "" : " (" + op.getCode() + ")");
            }
            return "Access denied: this request needs the scope " + context.prefix() + "/" + type + "." + needed.letter()
                    + " for the resource, which this token does not grant";
        }

        private static Interaction needed(RestOperationTypeEnum op) {
            if (op == null) {
                return null;
            }
            return switch (op) {
                case READ, VREAD, HISTORY_INSTANCE -> Interaction.READ;
                case SEARCH_TYPE -> Interaction.SEARCH;
                case CREATE -> Interaction.CREATE;
                case UPDATE, PATCH -> Interaction.UPDATE;
                case DELETE -> Interaction.DELETE;
                default -> null;
            };
        }
    }
}
