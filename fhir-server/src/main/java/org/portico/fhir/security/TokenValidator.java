package org.portico.fhir.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * base URL, {@code exp}/{@code nbf} with a clock skew, and that its grant ({@code portico_grant}) has
 * not been revoked. Error messages never echo the token.
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
    private final RevokedGrants revoked;
    private final Cache<String, Verified> verified;

    static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Cached entries are dropped after this even if the token lives longer; expiry is checked on each hit. */
    private static final Duration MAX_CACHE_TIME = Duration.ofMinutes(10);

    /** A token whose signature and fixed claims were verified: what a cache hit must still check. */
    private record Verified(VerifiedToken token, String grantId, Instant expiresAt, Instant notBefore) {}

    public TokenValidator(JwksKeySource keys, RevokedGrants revoked, URI issuer, URI fhirBaseUrl, Duration clockSkew) {
        this(keys, revoked, issuer, fhirBaseUrl, clockSkew, Clock.systemUTC(), DEFAULT_CACHE_SIZE);
    }

    public TokenValidator(
            JwksKeySource keys, RevokedGrants revoked, URI issuer, URI fhirBaseUrl, Duration clockSkew, Clock clock) {
        this(keys, revoked, issuer, fhirBaseUrl, clockSkew, clock, DEFAULT_CACHE_SIZE);
    }

    /**
     * @param cacheSize how many verified tokens to remember (0: verify every time). A token is
     *                  looked up by its exact text, so a hit is a token whose signature and claims
     *                  were already verified; expiry and revocation are still checked on every use.
     */
    public TokenValidator(JwksKeySource keys, RevokedGrants revoked, URI issuer, URI fhirBaseUrl,
            Duration clockSkew, Clock clock, int cacheSize) {
        this.verified = cacheSize <= 0
                ? null // Caffeine evicts asynchronously: a size-0 cache would still answer for a moment
                : Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(MAX_CACHE_TIME).<String, Verified>build();
        this.keys = Objects.requireNonNull(keys, "keys");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.issuer = withoutTrailingSlash(issuer.toString());
        this.audience = withoutTrailingSlash(fhirBaseUrl.toString());
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @throws InvalidTokenException             the token must be refused (401)
     * @throws RevocationStateUnavailableException revocation cannot be checked right now (503)
     */
    public VerifiedToken validate(String token) throws InvalidTokenException, RevocationStateUnavailableException {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("The access token is malformed");
        }
        Verified known = verified == null ? null : verified.getIfPresent(token);
        if (known != null) {
            return stillValid(known, null);
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
        verifyIssuerAndAudience(claims);
        Verified fresh;
        try {
            Date exp = claims.getExpirationTime();
            if (exp == null) {
                throw new InvalidTokenException("The access token has no expiry");
            }
            Date nbf = claims.getNotBeforeTime();
            fresh = new Verified(
                    new VerifiedToken(
                            claims.getSubject(),
                            claims.getStringClaim(SmartClaims.CLIENT_ID),
                            claims.getStringClaim(SmartClaims.PATIENT),
                            ScopeSet.parse(claims.getStringClaim(SmartClaims.SCOPE)),
                            exp.toInstant(),
                            claims.getJWTID(),
                            claims.getStringClaim(SmartClaims.FHIR_USER),
                            sensitive(claims),
                            patients(claims)),
                    claims.getStringClaim(SmartClaims.GRANT_ID),
                    exp.toInstant(),
                    nbf == null ? null : nbf.toInstant());
        } catch (ParseException e) {
            throw new InvalidTokenException("The access token has a claim of the wrong type");
        }
        return stillValid(fresh, token);
    }

    /** {@code portico_sensitive}: a list of {@code system|code} strings; anything else is a malformed token. */
    private static Set<String> sensitive(JWTClaimsSet claims) throws ParseException {
        List<String> labels = claims.getStringListClaim(SmartClaims.SENSITIVE);
        if (labels == null) {
            return Set.of();
        }
        for (String label : labels) {
            if (label == null || label.indexOf('|') <= 0 || label.endsWith("|")) {
                throw new ParseException("sensitive label not system|code", 0);
            }
        }
        return Set.copyOf(labels);
    }

    /** {@code portico_patients}: a list of patient ids; anything else is a malformed token. */
    private static List<String> patients(JWTClaimsSet claims) throws ParseException {
        List<String> ids = claims.getStringListClaim(SmartClaims.PATIENTS);
        if (ids == null) {
            return List.of();
        }
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new ParseException("patient id empty", 0);
            }
        }
        return List.copyOf(ids);
    }

    private VerifiedToken stillValid(Verified v, String token)
            throws InvalidTokenException, RevocationStateUnavailableException {
        Instant now = clock.instant();
        if (!now.isBefore(v.expiresAt().plus(clockSkew))) {
            throw new InvalidTokenException("The access token has expired");
        }
        if (v.notBefore() != null && now.isBefore(v.notBefore().minus(clockSkew))) {
            throw new InvalidTokenException("The access token is not valid yet");
        }
        revoked.check(v.grantId());
        if (token != null && verified != null) {
            verified.put(token, v);
        }
        return v.token();
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

    private void verifyIssuerAndAudience(JWTClaimsSet claims) throws InvalidTokenException {
        if (claims.getIssuer() == null || !issuer.equals(withoutTrailingSlash(claims.getIssuer()))) {
            throw new InvalidTokenException("The access token was not issued by the expected issuer");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().map(TokenValidator::withoutTrailingSlash).noneMatch(audience::equals)) {
            throw new InvalidTokenException("The access token is not meant for this FHIR server");
        }
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
