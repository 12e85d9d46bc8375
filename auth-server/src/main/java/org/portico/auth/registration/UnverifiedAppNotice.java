package org.portico.auth.registration;

import org.portico.auth.consent.ConsentController;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Tells the consent page whether the app is unreviewed ({@code unverifiedApp}) and who reviews apps
 * ({@code reviewerName}); the page shows {@code fragments/unverified-app :: notice}. It informs, never
 * blocks: a patient may share their record with any app (Cures Act).
 */
@ControllerAdvice(assignableTypes = ConsentController.class)
public class UnverifiedAppNotice {

    private final RegisteredClientRepository clients;
    private final RegistrationSettings settings;

    public UnverifiedAppNotice(RegisteredClientRepository clients, RegistrationSettings settings) {
        this.clients = clients;
        this.settings = settings;
    }

    @ModelAttribute
    public void addNotice(Model model, @RequestParam(name = "client_id", required = false) String clientId) {
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        model.addAttribute("unverifiedApp", client != null && !RegisteredApps.isVerified(client));
        model.addAttribute("reviewerName", settings.reviewerName());
    }
}
