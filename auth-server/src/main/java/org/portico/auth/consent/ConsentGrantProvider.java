package org.portico.auth.consent;

import java.time.Clock;
import java.util.Map;
import org.portico.auth.notify.AccountNotice;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.launch.EhrLaunchRequestValidator;
import org.portico.auth.launch.EhrLaunches;
import org.portico.auth.launch.LaunchContexts;
import org.portico.auth.launch.LaunchContexts.GrantContext;
import org.portico.auth.launch.PatientContext;
import org.portico.auth.proxy.ProxyAccess;
import org.portico.auth.proxy.ReadOnlyScopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationToken;

/**
 * Wraps SAS's consent provider (the POST of the consent form). SAS only lets a patient grant a
 * subset of the requested scopes; Portico also lets them narrow a resource scope to categories
 * ({@link ConsentDecision}) and records whose record the grant is for. Before SAS runs: the patient
 * the form names must be one the user may act for, else {@code invalid_request} to the app (with
 * {@code state}) and the in-flight authorization is dropped. After SAS issued the code: the
 * authorization's scopes become the granted ones (only ever narrower), and its launch context
 * ({@link LaunchContexts}) is stored.
 */
public final class ConsentGrantProvider implements AuthenticationProvider {

    public static final String PATIENT_PARAMETER = "patient";
    /** The form field of the sensitive-data boxes; each value is a class code of the jurisdiction rules. */
    public static final String SENSITIVE_CLASS_PARAMETER = "sensitive_class";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);
    private static final String RFC6749_4_1_2_1 = "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1";

    private final AuthenticationProvider delegate;
    private final OAuth2AuthorizationService authorizations;
    private final OAuth2AuthorizationConsentService consents;
    private final UserAccounts users;
    private final ProxyAccess proxies;
    private final EhrLaunches launches;
    private final LaunchContexts contexts;
    private final RegisteredClientRepository clients;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public ConsentGrantProvider(AuthenticationProvider delegate, OAuth2AuthorizationService authorizations,
            OAuth2AuthorizationConsentService consents, UserAccounts users, ProxyAccess proxies, EhrLaunches launches,
            LaunchContexts contexts, RegisteredClientRepository clients, ApplicationEventPublisher events, Clock clock) {
        this.proxies = proxies;
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.consents = consents;
        this.users = users;
        this.launches = launches;
        this.contexts = contexts;
        this.clients = clients;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication instanceof OAuth2AuthorizationConsentAuthenticationToken consent)) {
            return delegate.authenticate(authentication);
        }
        OAuth2Authorization inFlight = consent.getState() == null ? null : authorizations.findByToken(consent.getState(), STATE);
        Authentication principal = (Authentication) consent.getPrincipal();
        if (inFlight == null || !signedIn(principal) || !principal.getName().equals(inFlight.getPrincipalName())) {
            // unknown state or someone else's request: SAS answers as it always does
            return delegate.authenticate(authentication);
        }
        // SAS adds the scopes of an earlier consent to this one; only today's choice counts (a denial
        // must not turn into a grant of what was approved last time)
        OAuth2AuthorizationConsent earlier = consents.findById(inFlight.getRegisteredClientId(), principal.getName());
        if (earlier != null) {
            consents.remove(earlier);
        }
        if (consent.getScopes().isEmpty()) {
            return delegate.authenticate(authentication);
        }
        OAuth2AuthorizationRequest request = inFlight.getAttribute(OAuth2AuthorizationRequest.class.getName());
        GrantContext context = context(consent, inFlight, request, principal);

        Authentication issued = delegate.authenticate(authentication);
        if (!(issued instanceof OAuth2AuthorizationCodeRequestAuthenticationToken code) || code.getAuthorizationCode() == null) {
            return issued;
        }
        Set<String> granted = ConsentDecision.grant(new ArrayList<>(request.getScopes()), code.getScopes(), values(consent,
                ConsentDecision.GRANULAR_SCOPE_PARAMETER));
        if (readOnlyProxy(principal, context)) {
            // a read-only proxy's app never writes, whatever the form said
            granted = ReadOnlyScopes.filter(granted);
        }
        OAuth2Authorization saved = authorizations.findById(inFlight.getId());
        if (granted.isEmpty()) {
            authorizations.remove(saved);
            throw error(OAuth2ErrorCodes.ACCESS_DENIED, "The patient shared nothing", consent, request);
        }
        authorizations.save(OAuth2Authorization.from(saved).authorizedScopes(granted).build());
        contexts.save(inFlight.getId(), context);
        OAuth2AuthorizationConsent.Builder record = OAuth2AuthorizationConsent.withId(inFlight.getRegisteredClientId(), principal.getName());
        granted.forEach(record::scope);
        consents.save(record.build());
        decisions.debug("consent: client={} granted {} scope(s), patient in context: {}", code.getClientId(), granted.size(),
                context.patientId() != null);
        notifyAuthorized(principal, inFlight.getRegisteredClientId());
        return new OAuth2AuthorizationCodeRequestAuthenticationToken(code.getAuthorizationUri(), code.getClientId(),
                (Authentication) code.getPrincipal(), code.getAuthorizationCode(), code.getRedirectUri(), code.getState(), granted);
    }

    /** The account holder hears that an app was given access (issue 8: a notice for every security event). */
    private void notifyAuthorized(Authentication principal, String registeredClientId) {
        RegisteredClient client = clients.findById(registeredClientId);
        users.findByUsername(principal.getName()).ifPresent(user -> events.publishEvent(new AccountNotice(user.id(),
                AccountNotice.Kind.APP_AUTHORIZED, clock.instant(),
                Map.of("app", client == null ? registeredClientId : client.getClientName()))));
    }

    private GrantContext context(OAuth2AuthorizationConsentAuthenticationToken consent, OAuth2Authorization inFlight,
            OAuth2AuthorizationRequest request, Authentication principal) {
        Optional<UserAccount> user = users.findByUsername(principal.getName());
        if (user.isEmpty()) {
            throw reject("no such user", consent, inFlight, request);
        }
        GrantContext context = patientContext(consent, inFlight, request, user.get());
        // the sensitive-data boxes: known classes only, and only the patient themself may switch them on
        List<String> classes = values(consent, SENSITIVE_CLASS_PARAMETER);
        if (classes.isEmpty()) {
            return context;
        }
        boolean own = context.patientId() == null || context.patientId().equals(user.get().patientId());
        if (!own || user.get().patientId() == null || !classes.stream().allMatch(proxies.rules()::isClass)) {
            throw reject("sensitive classes not the user's to choose", SENSITIVE_CLASS_PARAMETER, consent, inFlight, request);
        }
        return context.withSensitiveClasses(new java.util.LinkedHashSet<>(classes));
    }

    private boolean readOnlyProxy(Authentication principal, GrantContext context) {
        return context.patientId() != null && users.findByUsername(principal.getName())
                .flatMap(u -> proxies.actingFor(u, context.patientId()))
                .map(ActingFor::readOnly)
                .orElse(true);
    }

    private GrantContext patientContext(OAuth2AuthorizationConsentAuthenticationToken consent, OAuth2Authorization inFlight,
            OAuth2AuthorizationRequest request, UserAccount user) {
        Object launch = request.getAdditionalParameters().get(EhrLaunchRequestValidator.LAUNCH_PARAMETER);
        if (launch instanceof String value) {
            // validated and redeemed at the authorization request; checked again, never trusted from the form
            EhrLaunches.EhrLaunch found = launches.find(value)
                    .filter(l -> l.userId().equals(user.id()))
                    .filter(l -> l.clientId().equals(request.getClientId()))
                    .filter(l -> proxies.actingFor(user, l.patientId()).isPresent())
                    .orElseThrow(() -> reject("launch", consent, inFlight, request));
            return new GrantContext(found.patientId(), found.encounterId(), true);
        }
        if (!PatientContext.needed(request.getScopes())) {
            return new GrantContext(null, null, false);
        }
        List<String> chosen = values(consent, PATIENT_PARAMETER);
        if (chosen.size() > 1) {
            throw reject("several patients", consent, inFlight, request);
        }
        if (chosen.isEmpty()) {
            return new GrantContext(user.patientId(), null, false);
        }
        Optional<ActingFor> patient = proxies.actingFor(user, chosen.get(0));
        if (patient.isEmpty()) {
            throw reject("patient not allowed for user", consent, inFlight, request);
        }
        return new GrantContext(patient.get().patientId(), null, false);
    }

    private RuntimeException reject(String reason, OAuth2AuthorizationConsentAuthenticationToken consent,
            OAuth2Authorization inFlight, OAuth2AuthorizationRequest request) {
        return reject(reason, PATIENT_PARAMETER, consent, inFlight, request);
    }

    private RuntimeException reject(String reason, String parameter, OAuth2AuthorizationConsentAuthenticationToken consent,
            OAuth2Authorization inFlight, OAuth2AuthorizationRequest request) {
        decisions.debug("consent denied: client={} reason={}", request.getClientId(), reason);
        authorizations.remove(inFlight);
        return error(OAuth2ErrorCodes.INVALID_REQUEST, "OAuth 2.0 Parameter: " + parameter, consent, request);
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException error(String code, String description,
            OAuth2AuthorizationConsentAuthenticationToken consent, OAuth2AuthorizationRequest request) {
        OAuth2AuthorizationCodeRequestAuthenticationToken result = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                request.getAuthorizationUri(), request.getClientId(), (Authentication) consent.getPrincipal(),
                request.getRedirectUri(), request.getState(), request.getScopes(), null);
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, RFC6749_4_1_2_1), result);
    }

    private static List<String> values(OAuth2AuthorizationConsentAuthenticationToken consent, String name) {
        Object value = consent.getAdditionalParameters().get(name);
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return Arrays.asList(array);
        }
        return List.of();
    }

    private static boolean signedIn(Authentication principal) {
        return principal != null && !(principal instanceof AnonymousAuthenticationToken) && principal.isAuthenticated();
    }
}
