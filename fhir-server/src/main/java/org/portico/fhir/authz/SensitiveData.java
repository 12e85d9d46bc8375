package org.portico.fhir.authz;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sensitive data is absent for a token whose grant does not list its label (ADR 0019): a resource whose
 * {@code meta.security} carries a withheld label is left out of searches (a {@code _security:not} per
 * withheld label joins the query, so totals and paging count only what the token may see), out of every
 * other response (includes, {@code $everything}, history: dropped as they are shown), and a read of one
 * answers exactly as for an id that does not exist (a not-found, which {@link ScopeAuthorizationInterceptor}
 * turns into the same 403 as any id the token may not know of). Such a token's searches may not reach into
 * other resources (chains, {@code _has}, {@code _filter}: 403), which the {@code _security:not} would not
 * narrow, while a label it withholds is on some stored resource ({@link SecurityLabelsInUse}; whatever
 * the patient's own data: the refusal tells nothing about it). {@code system/} tokens are not filtered.
 */
@Interceptor
public final class SensitiveData {

    public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /**
     * The labels withheld unless a grant lists them: restricted and very restricted confidentiality, and
     * the HL7 sensitivity codes of substance use (ETH, SUD: 42 CFR Part 2), mental and behavioural health
     * (PSY, BH), sexual and reproductive health (SEX), sexually transmitted disease (STD), HIV, and sexual
     * or domestic violence (SDV).
     */
    public static final Set<String> LABELS = Set.of(
            CONFIDENTIALITY + "|R", CONFIDENTIALITY + "|V",
            ACT_CODE + "|ETH", ACT_CODE + "|SUD", ACT_CODE + "|PSY", ACT_CODE + "|BH", ACT_CODE + "|SEX",
            ACT_CODE + "|STD", ACT_CODE + "|HIV", ACT_CODE + "|SDV");

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.fhir.authz");
    private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
            RestOperationTypeEnum.HISTORY_INSTANCE);

    private final TokenAccess access;
    private final SecurityLabelsInUse inUse;

    public SensitiveData(TokenAccess access, SecurityLabelsInUse inUse) {
        this.access = access;
        this.inUse = inUse;
    }

    /** The labels this request's token may not see; empty for no token and for server-wide tokens. */
    Set<String> withheld(RequestDetails request) {
        VerifiedToken token = BearerTokenInterceptor.token(request).orElse(null);
        if (token == null || access.of(request).policy().hasServerWide()) {
            return Set.of();
        }
        Set<String> withheld = new LinkedHashSet<>(LABELS);
        withheld.removeAll(token.sensitive());
        return withheld;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 11)
    public void narrowSearch(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null) {
            return;
        }
        Set<String> withheld = withheld(request);
        if (withheld.isEmpty()) {
            return;
        }
        Set<String> hidden = null;
        for (String name : request.getParameters().keySet()) {
            if (reachesOtherResources(name)) {
                if (hidden == null) {
                    // only labels some resource carries can hide something a chain would look into: a
                    // patient who shared every class still has V withheld, which the data may not hold
                    hidden = new LinkedHashSet<>(withheld);
                    hidden.retainAll(inUse.labels());
                }
                if (hidden.isEmpty()) {
                    continue;
                }
                // _security:not narrows the resources searched, not the ones a chain or _has looks into: a
                // Patient?_has:Condition:patient:code=F11.20 would match through a Condition the token may
                // not see. Refused whatever the data, so the refusal tells nothing (ADR 0021).
                decisions.debug("search reaching into other resources refused for a token with withheld labels: type={} parameter={}",
                        request.getResourceName(), name);
                throw new ForbiddenOperationException("Access denied: this token searches " + request.getResourceName()
                        + " by its own parameters only (no chains, _has or _filter), because it may not see all of the data");
            }
        }
        Map<String, String[]> params = new HashMap<>(request.getParameters());
        // one parameter, the labels comma-separated: HAPI's :not excludes a resource carrying any of them
        // in a single NOT IN subquery (SensitiveDataIT shows that two labels are both excluded)
        // added to the client's own :not values (parameters repeat as AND), never in place of them
        params.merge("_security:not", new String[] {String.join(",", withheld.stream().sorted().toList())}, (theirs, ours) -> {
            String[] both = java.util.Arrays.copyOf(theirs, theirs.length + 1);
            both[theirs.length] = ours[0];
            return both;
        });
        request.setParameters(params);
    }

    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -70)
    public void hide(IPreResourceShowDetails details, RequestDetails request) {
        if (!(request instanceof ServletRequestDetails)) {
            return;
        }
        Set<String> withheld = null;
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource == null || resource.getMeta().getSecurity().isEmpty()) {
                continue;
            }
            if (withheld == null) {
                withheld = withheld(request);
            }
            if (carries(resource, withheld)) {
                decisions.debug("sensitive resource withheld: operation={} type={}", request.getRestOperationType(),
                        resource.getIdElement().getResourceType());
                if (READS.contains(request.getRestOperationType()) && request.getId() != null
                        && request.getId().getIdPart().equals(resource.getIdElement().getIdPart())) {
                    // the words HAPI uses for an id that does not exist
                    throw new ResourceNotFoundException(Msg.code(2001) + "Resource "
                            + request.getId().toUnqualifiedVersionless().getValue() + " is not known");
                }
                details.setResource(i, null);
            }
        }
    }

    /** A chained ({@code a.b}, {@code a:Type.b}), reverse-chained ({@code _has:}) or {@code _filter} parameter. */
    static boolean reachesOtherResources(String parameter) {
        return parameter.startsWith("_has") || parameter.startsWith("_filter") || parameter.contains(".");
    }

    static boolean carries(IBaseResource resource, Set<String> labels) {
        if (labels.isEmpty()) {
            return false;
        }
        for (IBaseCoding coding : resource.getMeta().getSecurity()) {
            if (labels.contains(coding.getSystem() + "|" + coding.getCode())) {
                return true;
            }
        }
        return false;
    }
}
