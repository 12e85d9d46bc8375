package org.portico.auth.smart;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.portico.smart.claims.SmartClaims;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * The token response of SMART App Launch: SAS's response ({@code access_token}, {@code token_type},
 * {@code expires_in}, {@code scope}, {@code id_token}, {@code refresh_token}) plus {@code patient},
 * taken from the access token we just signed; never cached (RFC 6749 section 5.1).
 */
public final class SmartTokenResponseHandler implements AuthenticationSuccessHandler {

    private final OAuth2AccessTokenResponseAuthenticationSuccessHandler delegate =
            new OAuth2AccessTokenResponseAuthenticationSuccessHandler();

    public SmartTokenResponseHandler() {
        delegate.setAccessTokenResponseCustomizer(SmartTokenResponseHandler::addLaunchContext);
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
        delegate.onAuthenticationSuccess(request, response, authentication);
    }

    private static void addLaunchContext(OAuth2AccessTokenAuthenticationContext context) {
        OAuth2AccessTokenAuthenticationToken token = context.getAuthentication();
        String patient = patientOf(token.getAccessToken().getTokenValue());
        if (patient != null) {
            Map<String, Object> parameters = new LinkedHashMap<>(token.getAdditionalParameters());
            parameters.put(SmartClaims.PATIENT, patient);
            context.getAccessTokenResponse().additionalParameters(parameters);
        }
    }

    private static String patientOf(String accessToken) {
        try {
            return SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim(SmartClaims.PATIENT);
        } catch (ParseException e) {
            return null;
        }
    }
}
