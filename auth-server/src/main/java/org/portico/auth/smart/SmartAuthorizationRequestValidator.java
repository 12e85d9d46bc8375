package org.portico.auth.smart;

import java.util.function.Consumer;
import org.portico.auth.clients.RedirectUriMatcher;
import org.portico.smart.claims.SmartClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Replaces SAS's redirect-URI and scope validators on the authorization endpoint (SAS still checks
 * the grant type before and PKCE after this):
 * <ol>
 * <li>{@code redirect_uri} is required and matches a registered one exactly, loopback ports aside
 *     ({@link RedirectUriMatcher}); otherwise a 400 page, never a redirect;</li>
 * <li>the SMART {@code aud} must be the FHIR base URL (SMART App Launch 2.x, "aud" parameter);
 *     otherwise {@code invalid_request} to the redirect URI with {@code state};</li>
 * <li>at least one scope is left after {@link SmartAuthorizationRequestConverter} dropped the ones
 *     the client may not have; otherwise {@code invalid_scope}.</li>
 * </ol>
 */
public final class SmartAuthorizationRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final String fhirBase;

    public SmartAuthorizationRequestValidator(String fhirBase) {
        this.fhirBase = stripSlash(fhirBase);
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        RegisteredClient client = context.getRegisteredClient();

        String redirectUri = request.getRedirectUri();
        if (!RedirectUriMatcher.matches(redirectUri, client.getRedirectUris())) {
            decisions.debug("authorize denied: client={} reason=redirect_uri", client.getClientId());
            throw AuthorizationErrors.withoutRedirect(OAuth2ParameterNames.REDIRECT_URI, request);
        }

        Object aud = request.getAdditionalParameters().get(SmartClaims.AUDIENCE);
        if (!(aud instanceof String audience) || !fhirBase.equals(stripSlash(audience))) {
            decisions.debug("authorize denied: client={} reason=aud", client.getClientId());
            throw AuthorizationErrors.redirected(OAuth2ErrorCodes.INVALID_REQUEST,
                    "OAuth 2.0 Parameter: aud (must be the FHIR base URL " + fhirBase + ")", request, redirectUri);
        }

        if (request.getScopes().isEmpty()) {
            decisions.debug("authorize denied: client={} reason=no allowed scope", client.getClientId());
            throw AuthorizationErrors.redirected(OAuth2ErrorCodes.INVALID_SCOPE,
                    "OAuth 2.0 Parameter: scope (none of the requested scopes is allowed for this client)",
                    request, redirectUri);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
