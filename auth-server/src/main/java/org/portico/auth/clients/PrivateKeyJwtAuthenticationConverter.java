package org.portico.auth.clients;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a JWT client assertion ({@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer},
 * {@code client_assertion}) like SAS's {@code JwtClientAssertionAuthenticationConverter}, except that
 * {@code client_id} is optional, as RFC 7523 section 3 and SMART Backend Services have it (Inferno does not
 * send it): without one, the client is named by the assertion's {@code iss}, read unverified here and
 * verified, with the signature, by {@link PrivateKeyJwtDecoderFactory}.
 */
public final class PrivateKeyJwtAuthenticationConverter implements AuthenticationConverter {

    public static final ClientAuthenticationMethod JWT_BEARER =
            new ClientAuthenticationMethod("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    private static final String RFC7523_2_2 = "https://datatracker.ietf.org/doc/html/rfc7523#section-2.2";

    @Override
    public Authentication convert(HttpServletRequest request) {
        if (!HttpMethod.POST.matches(request.getMethod())) {
            return null;
        }
        String[] types = request.getParameterValues(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE);
        String[] assertions = request.getParameterValues(OAuth2ParameterNames.CLIENT_ASSERTION);
        if (types == null && assertions == null) {
            return null;
        }
        if (types == null || types.length != 1 || assertions == null || assertions.length != 1 || assertions[0].isBlank()) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "client_assertion_type and client_assertion are both required, once");
        }
        if (!JWT_BEARER.getValue().equals(types[0])) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "client_assertion_type must be " + JWT_BEARER.getValue());
        }
        String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
        if (clientIds != null && clientIds.length != 1) {
            throw error(OAuth2ErrorCodes.INVALID_REQUEST, "client_id given more than once");
        }
        String clientId = clientIds != null && !clientIds[0].isBlank() ? clientIds[0] : issuerOf(assertions[0]);
        return new OAuth2ClientAuthenticationToken(clientId, JWT_BEARER, assertions[0], codeGrantParameters(request));
    }

    private static String issuerOf(String assertion) {
        try {
            String iss = JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
            if (iss != null && !iss.isBlank()) {
                return iss;
            }
        } catch (ParseException e) {
            // falls through: not a JWT
        }
        throw error(OAuth2ErrorCodes.INVALID_CLIENT, "client_assertion is not a JWT with an iss claim");
    }

    /** SAS checks PKCE during client authentication, so a code grant's parameters travel with it. */
    private static Map<String, Object> codeGrantParameters(HttpServletRequest request) {
        Map<String, Object> parameters = new HashMap<>();
        if (AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
            request.getParameterMap().forEach((name, values) -> {
                if (!name.equals(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE) && !name.equals(OAuth2ParameterNames.CLIENT_ASSERTION)
                        && !name.equals(OAuth2ParameterNames.CLIENT_ID)) {
                    parameters.put(name, values.length == 1 ? values[0] : values);
                }
            });
        }
        return parameters;
    }

    private static OAuth2AuthenticationException error(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, description, RFC7523_2_2));
    }
}
