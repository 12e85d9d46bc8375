package org.portico.fhir.ingest;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.portico.fhir.authz.Access;
import org.portico.fhir.authz.AccessPolicy;
import org.portico.fhir.authz.AdmittedOperation;
import org.portico.fhir.authz.TokenAccess;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Interaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may register sources and push data (ADR 0017). Both need a backend-services token (server-wide
 * {@code system/} scopes, a client id, no user or patient behind it):
 * <ul>
 * <li>{@code $register-source}: {@code system/Organization.cu} without restrictions (a source is an
 * Organization that Portico creates or updates), from a client that is not itself a source; the
 * operator's link decisions ({@code $link-review}, {@code $link-confirm}, {@code $link-reject},
 * {@code $link-undo}) and the pull operations ({@code $register-pull}, {@code $pull}, {@code $pull-runs}, ADR 0022) are admitted
 * the same way (the operator who registers sources decides links and pulls);</li>
 * <li>{@code $ingest}, {@code $ingest-ndjson}: the token's client is a registered source (it pushes
 * only for that source), and for every type in the unit {@code system/[type].cu} without
 * restrictions (checked by {@link #requireWrites} once the unit is read).</li>
 * </ul>
 */
public final class IngestAuthorization implements AdmittedOperation {

    public static final String REGISTER = "$register-source";
    public static final String INGEST = "$ingest";
    public static final String INGEST_NDJSON = "$ingest-ndjson";
    public static final String LINK_REVIEW = "$link-review";
    public static final String LINK_CONFIRM = "$link-confirm";
    public static final String LINK_REJECT = "$link-reject";
    public static final String LINK_UNDO = "$link-undo";
    public static final String REGISTER_PULL = "$register-pull";
    public static final String PULL = "$pull";
    public static final String PULL_RUNS = "$pull-runs";
    /** The operator's operations: registering sources, pulling from them (ADR 0022) and deciding links. */
    private static final Set<String> OPERATOR = Set.of(REGISTER, REGISTER_PULL, PULL, PULL_RUNS, LINK_REVIEW, LINK_CONFIRM, LINK_REJECT,
            LINK_UNDO);
    private static final Set<String> OPERATIONS = Set.of(REGISTER, REGISTER_PULL, PULL, PULL_RUNS, INGEST, INGEST_NDJSON, LINK_REVIEW,
            LINK_CONFIRM, LINK_REJECT, LINK_UNDO);
    private static final Logger log = LoggerFactory.getLogger("org.portico.fhir.authz");

    private final TokenAccess access;
    private final SourceRegistry registry;

    public IngestAuthorization(TokenAccess access, SourceRegistry registry) {
        this.access = access;
        this.registry = registry;
    }

    @Override
    public boolean handles(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER
                && OPERATIONS.contains(request.getOperation());
    }

    @Override
    public void admit(RequestDetails request) {
        String client = backendClient(request);
        if (OPERATOR.contains(request.getOperation())) {
            AccessPolicy policy = access.of(request).policy();
            if (!serverWide(policy, "Organization", Interaction.CREATE).unrestricted()
                    || !serverWide(policy, "Organization", Interaction.UPDATE).unrestricted()) {
                throw forbidden(request, "This operator operation needs the scope system/Organization.cu");
            }
            if (registry.byClient(client).isPresent()) {
                throw forbidden(request, "A source's own client cannot act as an operator");
            }
        } else if (registry.byClient(client).isEmpty()) {
            throw forbidden(request, "This client is not a registered source");
        }
    }

    /** The source the request's client pushes for (admitted requests only). */
    Source sourceOf(RequestDetails request) {
        return registry.byClient(backendClient(request))
                .orElseThrow(() -> forbidden(request, "This client is not a registered source"));
    }

    /** Refuses the unit unless the token may create and update every type in it. */
    void requireWrites(RequestDetails request, Collection<String> types) {
        AccessPolicy policy = access.of(request).policy();
        Set<String> missing = new TreeSet<>();
        for (String type : types) {
            if (!serverWide(policy, type, Interaction.CREATE).unrestricted() || !serverWide(policy, type, Interaction.UPDATE).unrestricted()) {
                missing.add("system/" + type + ".cu");
            }
        }
        if (!missing.isEmpty()) {
            throw forbidden(request, "This unit needs the scope(s) " + String.join(" ", missing) + ", which this token does not grant");
        }
    }

    private String backendClient(RequestDetails request) {
        VerifiedToken token = BearerTokenInterceptor.token(request).orElseThrow(() -> forbidden(request, "no token"));
        AccessPolicy policy = access.of(request).policy();
        if (!policy.hasServerWide() || token.clientId() == null || token.clientId().isBlank()) {
            throw forbidden(request, "This operation needs a backend services token with system/ scopes");
        }
        return token.clientId();
    }

    private static Access serverWide(AccessPolicy policy, String type, Interaction interaction) {
        Access result = Access.NONE;
        for (AccessPolicy.Binding binding : policy.bindings()) {
            if (binding.serverWide()) {
                result = result.or(binding.access(type, interaction));
            }
        }
        return result;
    }

    private static ForbiddenOperationException forbidden(RequestDetails request, String message) {
        log.debug("ingest refused: operation={} reason={}", request.getOperation(), message);
        return new ForbiddenOperationException(message);
    }
}
