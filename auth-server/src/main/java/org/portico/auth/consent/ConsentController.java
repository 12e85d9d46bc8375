package org.portico.auth.consent;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import org.portico.smart.discovery.AuthEndpoints;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Scope;
import org.portico.smart.scope.ScopeParser;
import org.portico.smart.scope.StandardScope;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The consent page SAS redirects to. The patient sees each requested resource scope in plain
 * language, ticked, and may untick any; the launch/identity scopes are fixed. The form posts back
 * to the authorization endpoint, as SAS expects.
 *
 * <p>Consent is asked every time. SAS would add a stored consent to the new grant, so that a scope
 * unticked now would come back from an earlier visit; the page therefore clears the stored consent
 * before asking. The consent row written after approval is the record of the latest decision.
 */
@Controller
public class ConsentController {

    public static final String CONSENT_PATH = "/oauth2/consent";

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationConsentService consents;

    public ConsentController(RegisteredClientRepository clients, OAuth2AuthorizationConsentService consents) {
        this.clients = clients;
        this.consents = consents;
    }

    @GetMapping(CONSENT_PATH)
    public String consent(
            Principal principal,
            Model model,
            @RequestParam(name = "client_id") String clientId,
            @RequestParam(name = "scope", defaultValue = "") String scope,
            @RequestParam(name = "state") String state) {
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        OAuth2AuthorizationConsent stored = consents.findById(client.getId(), principal.getName());
        if (stored != null) {
            consents.remove(stored);
        }

        List<ScopeItem> resources = new ArrayList<>();
        List<ScopeItem> fixed = new ArrayList<>();
        for (Scope parsed : ScopeParser.parseAll(scope).scopes()) {
            if (parsed instanceof ResourceScope resource) {
                resources.add(new ScopeItem(resource.original(), ScopeDescriptions.describe(resource)));
            } else if (parsed instanceof StandardScope standard) {
                fixed.add(new ScopeItem(standard.original(), ScopeDescriptions.describe(standard)));
            }
        }
        model.addAttribute("clientId", client.getClientId());
        model.addAttribute("clientName", client.getClientName());
        model.addAttribute("state", state);
        model.addAttribute("resourceScopes", resources);
        model.addAttribute("fixedScopes", fixed);
        model.addAttribute("authorizeUri", AuthEndpoints.AUTHORIZATION_PATH);
        return "consent";
    }

    /** One line of the consent page. */
    public record ScopeItem(String value, String description) {}
}
