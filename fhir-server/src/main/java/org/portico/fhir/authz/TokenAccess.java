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
 * The {@link AccessPolicy} and HAPI rules of a request's token. The policy (scope parsing, grant
 * merging, whom the user acts for) is computed once per distinct grant (scopes, patient, user) and
 * cached for a minute, so that a change in whom a user may act for reaches the rules quickly. The
 * HAPI rules are built per request from it (a handful of small objects): HAPI's rule objects keep
 * mutable caches and must not be shared between concurrent requests.
 */
public final class TokenAccess {

    /** What one token may do, as data and as HAPI rules. */
    public record Compiled(AccessPolicy policy, List<IAuthRule> rules) {}

    private record Key(String scopes, String patient, String fhirUser) {}

    private static final String ATTRIBUTE = Compiled.class.getName();
    private static final Compiled NONE = new Compiled(new AccessPolicy(List.of()), List.of());

    private final FhirContext fhir;
    private final RestrictionMatcher matcher;
    private final ActingFor actingFor;
    private final TargetOwners owners;
    private final Cache<Key, AccessPolicy> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    public TokenAccess(FhirContext fhir, RestrictionMatcher matcher, ActingFor actingFor, TargetOwners owners) {
        this.fhir = fhir;
        this.matcher = matcher;
        this.actingFor = actingFor;
        this.owners = owners;
    }

    public Compiled of(RequestDetails request) {
        Object cached = request.getUserData().get(ATTRIBUTE);
        if (cached instanceof Compiled c) {
            return c;
        }
        Compiled compiled = BearerTokenInterceptor.token(request).map(this::compile).orElse(null);
        if (compiled == null) {
            compiled = new Compiled(NONE.policy(), ScopeRules.forPolicy(NONE.policy(), fhir, matcher, owners));
        }
        request.getUserData().put(ATTRIBUTE, compiled);
        return compiled;
    }

    Compiled compile(VerifiedToken token) {
        Key key = new Key(token.scopes().original(), token.patientId(), token.fhirUser());
        AccessPolicy policy = cache.get(key, k -> AccessPolicy.of(token, actingFor));
        return new Compiled(policy, ScopeRules.forPolicy(policy, fhir, matcher, owners));
    }

    public RestrictionMatcher matcher() {
        return matcher;
    }

    public FhirContext fhirContext() {
        return fhir;
    }
}
