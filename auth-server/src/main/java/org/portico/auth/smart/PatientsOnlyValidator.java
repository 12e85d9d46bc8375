package org.portico.auth.smart;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * Only a patient account authorizes apps: a signed-in account without the {@code PATIENT} role (a staff
 * account, which has no record) gets {@code access_denied} at the client's redirect URI. The
 * authorization endpoint handles a signed-in user before any {@code authorizeHttpRequests} rule, so
 * the check has to be here. Runs before the EHR launch validator so a staff sign-in uses up no launch.
 */
public final class PatientsOnlyValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    static final String PATIENT_AUTHORITY = "ROLE_PATIENT";

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        if (!(request.getPrincipal() instanceof Authentication user) || user instanceof AnonymousAuthenticationToken
                || !user.isAuthenticated()) {
            return;
        }
        if (user.getAuthorities().stream().noneMatch(a -> PATIENT_AUTHORITY.equals(a.getAuthority()))) {
            decisions.debug("authorize denied: client={} reason=not a patient account", context.getRegisteredClient().getClientId());
            throw AuthorizationErrors.redirected(OAuth2ErrorCodes.ACCESS_DENIED, "Only a patient account can authorize apps",
                    request, request.getRedirectUri());
        }
    }
}
