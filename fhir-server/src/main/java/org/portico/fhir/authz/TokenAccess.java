package org.portico.fhir.authz;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;

/**
 * The {@link AccessPolicy} and HAPI rules of a request's token. Both (scope parsing, grant merging,
 * whom the user acts for, the rule objects) are computed once per distinct grant (scopes, patient,
 * user) and cached for a minute, so that a change in whom a user may act for reaches the rules
 * quickly. Sharing the rules between concurrent requests is safe: HAPI's rule objects
 * ({@code RuleImplOp}, {@code OperationRule}, {@code RuleImplConditional}) are only written while the
 * {@code RuleBuilder} builds them, except the compartment modifications HAPI puts in compartment rules,
 * which fill a HashMap on lookup and are replaced by a read-only one
 * ({@link SharedCompartmentModifications}; AuthorizationMatrixIT's concurrent requests found it), and
 * Portico's testers keep whatever they remember during a request in that request ({@link ProvenanceTester}).
 */
public final class TokenAccess {

    /** What one token may do, as data and as HAPI rules. */
    public record Compiled(AccessPolicy policy, List<IAuthRule> rules) {}

    /** Everything the policy is built from: two tokens that differ in any of it never share one. */
    private record Key(String scopes, String patient, String fhirUser, List<String> patients) {}

    private static final String ATTRIBUTE = Compiled.class.getName();

    private final FhirContext fhir;
    private final RestrictionMatcher matcher;
    private final ActingFor actingFor;
    private final TargetOwners owners;
    private final Referrers referrers;
    private final Compiled none;
    private final Cache<Key, Compiled> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();
    /**
     * The same, by token object: the token validator hands out one {@link VerifiedToken} per access
     * token while it caches it, so most requests find their rules here by identity, without hashing
     * the scope string.
     */
    private final Cache<VerifiedToken, Compiled> byToken = Caffeine.newBuilder()
            .weakKeys()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    public TokenAccess(FhirContext fhir, RestrictionMatcher matcher, ActingFor actingFor, TargetOwners owners, Referrers referrers) {
        this.fhir = fhir;
        this.matcher = matcher;
        this.actingFor = actingFor;
        this.owners = owners;
        this.referrers = referrers;
        AccessPolicy nothing = new AccessPolicy(List.of());
        this.none = new Compiled(nothing, ScopeRules.forPolicy(nothing, fhir, matcher, owners, referrers));
    }

    public Compiled of(RequestDetails request) {
        Object cached = request.getUserData().get(ATTRIBUTE);
        if (cached instanceof Compiled c) {
            return c;
        }
        Compiled compiled = BearerTokenInterceptor.token(request).map(this::compile).orElse(none);
        request.getUserData().put(ATTRIBUTE, compiled);
        return compiled;
    }

    Compiled compile(VerifiedToken token) {
        return byToken.get(token, this::compileByGrant);
    }

    private Compiled compileByGrant(VerifiedToken token) {
        Key key = new Key(token.scopes().original(), token.patientId(), token.fhirUser(), token.patients());
        return cache.get(key, k -> {
            AccessPolicy policy = AccessPolicy.of(token, actingFor);
            return new Compiled(policy, ScopeRules.forPolicy(policy, fhir, matcher, owners, referrers));
        });
    }

    public RestrictionMatcher matcher() {
        return matcher;
    }

    public FhirContext fhirContext() {
        return fhir;
    }
}
