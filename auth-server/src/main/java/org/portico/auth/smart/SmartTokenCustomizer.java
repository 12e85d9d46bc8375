package org.portico.auth.smart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.launch.LaunchContexts;
import org.portico.auth.launch.LaunchContexts.GrantContext;
import org.portico.auth.proxy.ProxyAccess;
import org.portico.auth.proxy.ReadOnlyScopes;
import org.portico.smart.claims.SmartClaims;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.ScopeParser;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The claims of docs/wire-contract.md. Access token: {@code aud} = FHIR base URL, {@code scope} as one
 * space-separated string, {@code client_id}, {@code sub} = the user's stable id, {@code fhirUser}
 * (always the user's own record), {@code patient} (the patient the grant is for: picked, launched with,
 * or the user's own) and {@code encounter} from the grant's launch context; with {@code user/} scopes
 * {@code portico_patients}; {@code portico_sensitive} when the bearer may see some sensitive data. ID
 * token: {@code aud} stays the client id (OIDC), {@code sub} the same stable id, {@code fhirUser} when
 * the {@code fhirUser} scope was granted.
 *
 * <p>Proxy access is decided here on every token, refreshes included (ADR 0019): a grant for a patient
 * the user may no longer act for gets {@code invalid_grant}; the sensitive labels are the patient's own
 * choice for their own record, what the proxy grant allows for someone else's, and for {@code user/}
 * scopes only what holds for every patient the token covers (one label set per token).
 */
public final class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final UserAccounts users;
    private final LaunchContexts contexts;
    private final ProxyAccess proxies;
    private final String fhirBase;

    public SmartTokenCustomizer(UserAccounts users, LaunchContexts contexts, ProxyAccess proxies, String fhirBase) {
        this.users = users;
        this.contexts = contexts;
        this.proxies = proxies;
        this.fhirBase = fhirBase;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        LaunchContext launch = new LaunchContext(context.getAuthorizedScopes());
        // a client acting for itself has no user, even if a username happens to equal its client id
        Optional<UserAccount> user = context.getPrincipal() == null
                        || context.getPrincipal() instanceof OAuth2ClientAuthenticationToken
                ? Optional.empty()
                : users.findByUsername(context.getPrincipal().getName());
        // the patient picked or launched with, stored when the patient approved (see ConsentGrantProvider)
        Optional<GrantContext> grant = user.isEmpty() || context.getAuthorization() == null
                ? Optional.empty()
                : contexts.find(context.getAuthorization().getId());

        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getClaims().claims(claims -> {
                // an ArrayList: the claims are stored with the authorization, and SAS's JSON allowlist
                // does not accept the JDK's immutable lists when reading them back
                claims.put(SmartClaims.AUDIENCE, new ArrayList<>(List.of(fhirBase)));
                claims.put(SmartClaims.SCOPE, String.join(" ", context.getAuthorizedScopes()));
                claims.put(SmartClaims.CLIENT_ID, context.getRegisteredClient().getClientId());
            });
            user.ifPresent(u -> {
                String patient = grant.map(GrantContext::patientId).orElse(u.patientId());
                Optional<ActingFor> actingFor = patient == null ? Optional.empty() : proxies.actingFor(u, patient);
                if (patient != null && actingFor.isEmpty()) {
                    // the proxy grant was revoked, suspended or has ended since the app was authorized
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                            "The user may no longer act for this patient", null));
                }
                Set<String> ownClasses = grant.map(GrantContext::sensitiveClasses).orElse(Set.of());
                List<String> userScopes = context.getAuthorizedScopes().stream()
                        .filter(s -> ScopeParser.parse(s) instanceof ResourceScope r && r.compartment() == Compartment.USER)
                        .toList();
                Set<String> labels = actingFor.map(a -> labels(u, a, ownClasses)).orElse(null);
                List<String> covered = new ArrayList<>();
                if (!userScopes.isEmpty()) {
                    boolean writes = ReadOnlyScopes.writes(userScopes);
                    for (ActingFor person : proxies.actingFor(u)) {
                        // user/ write scopes never reach a record the user may only read
                        if (person.self() || !writes || !person.readOnly()) {
                            covered.add(person.patientId());
                            Set<String> theirs = labels(u, person, ownClasses);
                            labels = labels == null ? new LinkedHashSet<>(theirs) : intersect(labels, theirs);
                        }
                    }
                }
                Set<String> sensitive = labels == null ? Set.of() : labels;
                context.getClaims().claims(claims -> {
                    claims.put(SmartClaims.SUBJECT, u.id());
                    claims.put(SmartClaims.FHIR_USER, fhirUser(u));
                    boolean ehrLaunch = grant.map(GrantContext::ehrLaunch).orElse(false);
                    if (patient != null && (launch.hasPatient() || ehrLaunch)) {
                        claims.put(SmartClaims.PATIENT, patient);
                    }
                    grant.map(GrantContext::encounterId).ifPresent(encounter -> claims.put(SmartClaims.ENCOUNTER, encounter));
                    if (!covered.isEmpty()) {
                        claims.put(SmartClaims.PATIENTS, new ArrayList<>(covered));
                    }
                    if (!sensitive.isEmpty()) {
                        claims.put(SmartClaims.SENSITIVE, new ArrayList<>(new java.util.TreeSet<>(sensitive)));
                    }
                });
            });
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            user.ifPresent(u -> context.getClaims().claims(claims -> {
                claims.put(SmartClaims.SUBJECT, u.id());
                if (launch.fhirUser()) {
                    claims.put(SmartClaims.FHIR_USER, fhirUser(u));
                }
            }));
        }
    }

    /** The labels a token may carry for one person: the patient's own choice, or what the proxy grant allows. */
    private Set<String> labels(UserAccount user, ActingFor person, Set<String> ownClasses) {
        return person.self() ? proxies.classLabels(ownClasses) : proxies.proxyLabels(user, person.patientId());
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> result = new LinkedHashSet<>(a);
        result.retainAll(b);
        return result;
    }

    private String fhirUser(UserAccount user) {
        return fhirBase + "/Patient/" + user.patientId();
    }
}
