package org.portico.auth.smart;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code expires_in}, {@code scope}, {@code id_token}, {@code refresh_token}) plus the launch context
 * taken from the access token we just signed: {@code patient} (bare id), and with it
 * {@code need_patient_banner} (always {@code true}: Portico never frames an app, so the app shows whose
 * record it is) and {@code smart_style_url}; {@code encounter} and {@code fhirContext} (SMART 2.2 object
 * form, {@code [{"reference":"Encounter/123"}]}) when the grant has an encounter. Never cached (RFC 6749
 * section 5.1).
 */
public final class SmartTokenResponseHandler implements AuthenticationSuccessHandler {

    private final OAuth2AccessTokenResponseAuthenticationSuccessHandler delegate =
            new OAuth2AccessTokenResponseAuthenticationSuccessHandler();

    private final String smartStyleUrl;

    public SmartTokenResponseHandler(String smartStyleUrl) {
        this.smartStyleUrl = smartStyleUrl;
        delegate.setAccessTokenResponseCustomizer(this::addLaunchContext);
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
        delegate.onAuthenticationSuccess(request, response, authentication);
    }

    private void addLaunchContext(OAuth2AccessTokenAuthenticationContext context) {
        OAuth2AccessTokenAuthenticationToken token = context.getAuthentication();
        JWTClaimsSet claims = claimsOf(token.getAccessToken().getTokenValue());
        String patient = claims == null ? null : stringClaim(claims, SmartClaims.PATIENT);
        if (patient == null) {
            return;
        }
        Map<String, Object> parameters = new LinkedHashMap<>(token.getAdditionalParameters());
        parameters.put(SmartClaims.PATIENT, patient);
        String encounter = stringClaim(claims, SmartClaims.ENCOUNTER);
        if (encounter != null) {
            parameters.put(SmartClaims.ENCOUNTER, encounter);
            parameters.put(SmartClaims.FHIR_CONTEXT, List.of(Map.of("reference", "Encounter/" + encounter)));
        }
        parameters.put(SmartClaims.NEED_PATIENT_BANNER, true);
        parameters.put(SmartClaims.SMART_STYLE_URL, smartStyleUrl);
        context.getAccessTokenResponse().additionalParameters(parameters);
    }

    private static JWTClaimsSet claimsOf(String accessToken) {
        try {
            return SignedJWT.parse(accessToken).getJWTClaimsSet();
        } catch (ParseException e) {
            return null;
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }
}
