package org.portico.auth.tokens;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.portico.smart.claims.SmartClaims;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The grant id ({@link SmartClaims#GRANT_ID}): an opaque random value per authorization (one consent of
 * one patient to one app, or one client-credentials grant), kept as an attribute of the SAS authorization
 * and put in every access token minted from it, refreshes included. The fhir-server rejects tokens whose
 * grant the revocation feed lists. Never the database key, never anything about the patient.
 */
public final class GrantIds implements OAuth2TokenCustomizer<JwtEncodingContext> {

    /** The authorization attribute holding the grant id. */
    public static final String ATTRIBUTE = SmartClaims.GRANT_ID;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new grant id: 128 random bits, base64url. */
    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The grant id of a stored authorization, or of its access token when it was not stored yet (client credentials). */
    public static String of(OAuth2Authorization authorization) {
        if (authorization == null) {
            return null;
        }
        Object attribute = authorization.getAttribute(ATTRIBUTE);
        if (attribute instanceof String s) {
            return s;
        }
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        Map<String, Object> claims = access == null ? null : access.getClaims();
        return claims != null && claims.get(SmartClaims.GRANT_ID) instanceof String s ? s : null;
    }

    /** Puts the grant id in each access token; client-credentials grants have no stored authorization yet and get a new one. */
    @Override
    public void customize(JwtEncodingContext context) {
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            String grant = of(context.getAuthorization());
            context.getClaims().claim(SmartClaims.GRANT_ID, grant != null ? grant : newId());
        }
    }
}
