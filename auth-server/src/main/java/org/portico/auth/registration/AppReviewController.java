package org.portico.auth.registration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The administrator's review of a registered app: {@code POST /admin/clients/{client_id}/verify} with
 * {@code Authorization: Bearer <portico.auth.registration.admin-token>}. Off (401) when no admin token
 * is configured.
 */
@RestController
public class AppReviewController {

    static final String PATH = "/admin/clients";

    private final ClientRegistrationService registrations;
    private final RegistrationSettings settings;

    public AppReviewController(ClientRegistrationService registrations, RegistrationSettings settings) {
        this.registrations = registrations;
        this.settings = settings;
    }

    @PostMapping(PATH + "/{clientId}/verify")
    public ResponseEntity<Void> verify(
            @PathVariable String clientId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        String presented = ClientRegistrationController.bearer(authorization);
        if (!StringUtils.hasText(settings.adminToken()) || presented == null || !MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), settings.adminToken().getBytes(StandardCharsets.UTF_8))) {
            throw RegistrationException.invalidToken("an administrator token is needed");
        }
        return registrations.markVerified(clientId) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @ExceptionHandler(RegistrationException.class)
    ResponseEntity<?> error(RegistrationException e) {
        return ResponseEntity.status(e.status())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                .body(ClientRegistrationController.errorBody(e.error(), e.getMessage()));
    }
}
