package org.portico.auth.consent;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.launch.EhrLaunchRequestValidator;
import org.portico.auth.launch.EhrLaunches;
import org.portico.auth.launch.PatientContext;
import org.portico.auth.proxy.ProxyAccess;
import org.portico.auth.proxy.ReadOnlyScopes;
import org.portico.smart.discovery.AuthEndpoints;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.StandardScope;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The consent page SAS redirects to. It first settles whose record the app will get: the patient of
 * an EHR launch, or, when the user may act for several patients, the one they pick on the patient
 * picker (this same path with {@code patient}); with one patient there is no picker. The patient then
 * sees each requested resource scope in plain language, ticked, and may untick any, and for Condition
 * and Observation may untick categories ({@link ConsentDecision}); the launch/identity scopes are
 * fixed. The form posts back to the authorization endpoint, as SAS expects, where
 * {@link ConsentGrantProvider} checks the patient again and narrows the grant.
 *
 * <p>Consent is asked every time. SAS would add a stored consent to the new grant, so that a scope
 * unticked now would come back from an earlier visit; the page therefore clears the stored consent
 * before asking. The consent row written after approval is the record of the latest decision.
 */
@Controller
public class ConsentController {

    public static final String CONSENT_PATH = "/oauth2/consent";

    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationConsentService consents;
    private final OAuth2AuthorizationService authorizations;
    private final UserAccounts users;
    private final EhrLaunches launches;

    private final ScopeDescriptions descriptions;
    private final ProxyAccess proxies;

    public ConsentController(RegisteredClientRepository clients, OAuth2AuthorizationConsentService consents,
            OAuth2AuthorizationService authorizations, UserAccounts users, EhrLaunches launches,
            ScopeDescriptions descriptions, ProxyAccess proxies) {
        this.descriptions = descriptions;
        this.proxies = proxies;
        this.clients = clients;
        this.consents = consents;
        this.authorizations = authorizations;
        this.users = users;
        this.launches = launches;
    }

    @GetMapping(CONSENT_PATH)
    public String consent(
            Principal principal,
            Model model,
            @RequestParam(name = "client_id") String clientId,
            @RequestParam(name = "scope", defaultValue = "") String scope,
            @RequestParam(name = "state") String state,
            @RequestParam(name = ConsentGrantProvider.PATIENT_PARAMETER, required = false) String chosenPatient) {
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        // the in-flight request this page is about; never another user's or another app's
        OAuth2Authorization inFlight = authorizations.findByToken(state, STATE);
        UserAccount user = users.findByUsername(principal.getName()).orElse(null);
        if (inFlight == null || user == null || !principal.getName().equals(inFlight.getPrincipalName())
                || !client.getId().equals(inFlight.getRegisteredClientId())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        OAuth2AuthorizationRequest request = inFlight.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Set<String> requested = request.getScopes();

        model.addAttribute("clientId", client.getClientId());
        model.addAttribute("clientName", client.getClientName());
        model.addAttribute("state", state);
        model.addAttribute("scope", scope);
        model.addAttribute("consentPath", CONSENT_PATH);
        model.addAttribute("authorizeUri", AuthEndpoints.AUTHORIZATION_PATH);

        OAuth2AuthorizationConsent stored = consents.findById(client.getId(), principal.getName());
        if (stored != null) {
            consents.remove(stored);
        }

        // whose record: the EHR launch's patient, the one picked, or the user's only one
        ActingFor patient = null;
        Object launch = request.getAdditionalParameters().get(EhrLaunchRequestValidator.LAUNCH_PARAMETER);
        if (launch instanceof String value) {
            String launched = launches.find(value).map(EhrLaunches.EhrLaunch::patientId).orElse(null);
            patient = launched == null ? null : proxies.actingFor(user, launched).orElse(null);
            if (patient == null) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
            }
        } else if (PatientContext.needed(requested)) {
            List<ActingFor> choices = proxies.actingFor(user);
            if (chosenPatient != null) {
                patient = proxies.actingFor(user, chosenPatient)
                        .orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST));
            } else if (choices.size() == 1) {
                patient = choices.get(0);
            } else {
                model.addAttribute("patients", choices);
                return "patient-picker";
            }
        }

        List<ResourceChoice> resources = new ArrayList<>();
        List<ScopeItem> fixed = new ArrayList<>();
        // a read-only proxy is offered the reading part of each scope only (ConsentGrantProvider grants no more)
        boolean readOnly = patient != null && patient.readOnly();
        for (Scope parsed : ScopeParser.parseAll(scope).scopes()) {
            if (!requested.contains(parsed.original())) {
                continue;
            }
            if (readOnly && parsed instanceof ResourceScope && ReadOnlyScopes.filter(List.of(parsed.original())).isEmpty()) {
                continue;
            }
            if (parsed instanceof ResourceScope resource) {
                List<ScopeItem> categories = ConsentDecision.categoriesOffered(resource).stream()
                        .map(c -> new ScopeItem(c.original(), descriptions.category(c)))
                        .toList();
                // a read-only proxy sees what will be granted: the reading part of the scope
                ResourceScope shown = readOnly
                        ? (ResourceScope) ScopeParser.parse(ReadOnlyScopes.filter(List.of(resource.original())).iterator().next())
                        : resource;
                resources.add(new ResourceChoice(resource.original(), descriptions.describe(shown),
                        descriptions.what(resource), categories));
            } else if (parsed instanceof StandardScope standard) {
                fixed.add(new ScopeItem(standard.original(), descriptions.describe(standard)));
            }
        }
        model.addAttribute("patient", patient);
        model.addAttribute("readOnly", readOnly);
        // the sensitive-data boxes: only for the patient's own record (never a proxy), off by default
        boolean own = patient == null ? user.patientId() != null : patient.self();
        model.addAttribute("sensitiveClasses", own && !resources.isEmpty()
                ? proxies.rules().classCodes().stream().map(c -> new ScopeItem(c, descriptions.sensitiveClass(c))).toList()
                : List.of());
        model.addAttribute("resourceScopes", resources);
        model.addAttribute("fixedScopes", fixed);
        model.addAttribute("offlineAccess", requested.contains(StandardScope.OFFLINE_ACCESS.value()));
        return "consent";
    }

    /**
     * A resource scope on the page, with its category boxes when it has some.
     *
     * @param what the data in plain words, for the legend of the category group
     */
    public record ResourceChoice(String value, String description, String what, List<ScopeItem> categories) {}

    /** One line of the consent page. */
    public record ScopeItem(String value, String description) {}
}
