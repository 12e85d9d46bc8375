package org.portico.auth.clients;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies {@code private_key_jwt} client assertions (RFC 7523; SMART App Launch "client-confidential-asymmetric"
 * and Backend Services) for SAS's {@code JwtClientAssertionAuthenticationProvider}, in place of SAS's
 * {@code JwtClientAssertionDecoderFactory}, which only checks that a {@code jti} is present and knows
 * only {@code jwks_uri}. Rules, in order (a failure is {@code invalid_client}, HTTP 401):
 * <ol>
 * <li>signed with RS384 or ES384 by a key of the client ({@link ClientJwks}); {@code none}, HMAC and
 *     every other algorithm are refused;</li>
 * <li>{@code iss} and {@code sub} are the client id; {@code aud} is the token endpoint URL exactly;</li>
 * <li>{@code exp} present, not past and at most {@code assertion-max-lifetime} ahead ({@code nbf} if present);</li>
 * <li>{@code jti} present and never seen before for this client ({@link ClientAssertionReplay}); checked
 *     last, so that an invalid assertion does not use up an id.</li>
 * </ol>
 */
public final class PrivateKeyJwtDecoderFactory implements JwtDecoderFactory<RegisteredClient> {

    /** The algorithms SMART App Launch 2 requires servers to support for client assertions. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private static final String RFC7523_3 = "https://datatracker.ietf.org/doc/html/rfc7523#section-3";
    private static final int MAX_JTI_LENGTH = 255;

    private final ClientJwks jwks;
    private final ClientAssertionReplay replay;
    private final ClientAuthProperties settings;
    private final String tokenEndpoint;
    private final Clock clock;

    public PrivateKeyJwtDecoderFactory(ClientJwks jwks, ClientAssertionReplay replay, ClientAuthProperties settings,
            String tokenEndpoint, Clock clock) {
        this.jwks = jwks;
        this.replay = replay;
        this.settings = settings;
        this.tokenEndpoint = tokenEndpoint;
        this.clock = clock;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, jwks.sourceFor(client)));
        // the claims are checked by the validators below, with error messages of our own
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
        timestamps.setClock(clock);
        OAuth2TokenValidator<Jwt> rules = new DelegatingOAuth2TokenValidator<>(List.of(timestamps, claims(client.getClientId())));
        decoder.setJwtValidator(jwt -> {
            OAuth2TokenValidatorResult result = rules.validate(jwt);
            return result.hasErrors() ? result : notReplayed(client.getClientId(), jwt);
        });
        return decoder;
    }

    private OAuth2TokenValidator<Jwt> claims(String clientId) {
        return jwt -> {
            List<String> problems = new ArrayList<>();
            if (!clientId.equals(jwt.getClaimAsString(JwtClaimNames.ISS))) {
                problems.add("iss must be the client id");
            }
            if (!clientId.equals(jwt.getSubject())) {
                problems.add("sub must be the client id");
            }
            List<String> aud = jwt.getAudience();
            if (aud == null || !aud.contains(tokenEndpoint)) {
                problems.add("aud must be the token endpoint URL " + tokenEndpoint);
            }
            Instant exp = jwt.getExpiresAt();
            if (exp == null) {
                problems.add("exp is required");
            } else if (exp.isAfter(clock.instant().plus(settings.assertionMaxLifetime()).plus(settings.clockSkew()))) {
                problems.add("exp is more than " + settings.assertionMaxLifetime().toMinutes() + " minutes ahead");
            }
            String jti = jwt.getId();
            if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
                problems.add("jti is required (at most " + MAX_JTI_LENGTH + " characters)");
            }
            return problems.isEmpty() ? OAuth2TokenValidatorResult.success() : failure(clientId, String.join("; ", problems));
        };
    }

    /** Only for an otherwise valid assertion (jti and exp present), so that a rejected one uses up no id. */
    private OAuth2TokenValidatorResult notReplayed(String clientId, Jwt jwt) {
        return replay.firstUse(clientId, jwt.getId(), jwt.getExpiresAt())
                ? OAuth2TokenValidatorResult.success()
                : failure(clientId, "jti was already used");
    }

    private static OAuth2TokenValidatorResult failure(String clientId, String description) {
        decisions.debug("client assertion rejected: client={} reason={}", clientId, description);
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, RFC7523_3));
    }
}
