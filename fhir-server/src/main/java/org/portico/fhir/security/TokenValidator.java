package org.portico.fhir.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.portico.smart.claims.SmartClaims;
import org.portico.smart.scope.ScopeSet;

/**
 * Verifies Portico access tokens locally: signature against the auth-server's JWKS (asymmetric
 * algorithms only; {@code none} and HMAC are refused), {@code iss}, {@code aud} containing the FHIR
 * base URL, and {@code exp}/{@code nbf} with a clock skew. Error messages never echo the token.
 */
public final class TokenValidator {

    static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final JwksKeySource keys;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;

    public TokenValidator(JwksKeySource keys, URI issuer, URI fhirBaseUrl, Duration clockSkew) {
        this(keys, issuer, fhirBaseUrl, clockSkew, Clock.systemUTC());
    }

    public TokenValidator(JwksKeySource keys, URI issuer, URI fhirBaseUrl, Duration clockSkew, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = withoutTrailingSlash(issuer.toString());
        this.audience = withoutTrailingSlash(fhirBaseUrl.toString());
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public VerifiedToken validate(String token) throws InvalidTokenException {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("The access token is malformed");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | IllegalArgumentException e) {
            throw new InvalidTokenException("The access token is malformed");
        }
        verifySignature(jwt);
        verifyClaims(claims);
        try {
            Date exp = claims.getExpirationTime();
            return new VerifiedToken(
                    claims.getSubject(),
                    claims.getStringClaim(SmartClaims.CLIENT_ID),
                    claims.getStringClaim(SmartClaims.PATIENT),
                    ScopeSet.parse(claims.getStringClaim(SmartClaims.SCOPE)),
                    exp.toInstant(),
                    claims.getJWTID(),
                    claims.getStringClaim(SmartClaims.FHIR_USER));
        } catch (ParseException e) {
            throw new InvalidTokenException("The access token has a claim of the wrong type");
        }
    }

    private void verifySignature(SignedJWT jwt) throws InvalidTokenException {
        JWSHeader header = jwt.getHeader();
        if (!ALLOWED_ALGORITHMS.contains(header.getAlgorithm())) {
            throw new InvalidTokenException("The access token is signed with an algorithm that is not accepted");
        }
        String kid = header.getKeyID();
        if (kid == null || kid.isBlank()) {
            throw new InvalidTokenException("The access token has no key id");
        }
        JWK jwk = keys.key(kid).orElseThrow(() -> new InvalidTokenException("The access token is signed with an unknown key"));
        try {
            JWSVerifier verifier;
            if (JWSAlgorithm.Family.RSA.contains(header.getAlgorithm()) && jwk instanceof RSAKey rsa) {
                verifier = new RSASSAVerifier(rsa);
            } else if (JWSAlgorithm.Family.EC.contains(header.getAlgorithm()) && jwk instanceof ECKey ec) {
                verifier = new ECDSAVerifier(ec);
            } else {
                throw new InvalidTokenException("The access token's algorithm does not match its key");
            }
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("The access token signature is invalid");
            }
        } catch (JOSEException | IllegalStateException e) {
            throw new InvalidTokenException("The access token signature is invalid");
        }
    }

    private void verifyClaims(JWTClaimsSet claims) throws InvalidTokenException {
        if (claims.getIssuer() == null || !issuer.equals(withoutTrailingSlash(claims.getIssuer()))) {
            throw new InvalidTokenException("The access token was not issued by the expected issuer");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().map(TokenValidator::withoutTrailingSlash).noneMatch(audience::equals)) {
            throw new InvalidTokenException("The access token is not meant for this FHIR server");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("The access token has no expiry");
        }
        if (!now.isBefore(exp.toInstant().plus(clockSkew))) {
            throw new InvalidTokenException("The access token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant().minus(clockSkew))) {
            throw new InvalidTokenException("The access token is not valid yet");
        }
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
