package org.portico.fhir.bench;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.portico.fhir.security.JwksKeySource;
import org.portico.fhir.security.RevokedGrants;
import org.portico.fhir.security.TestTokens;
import org.portico.fhir.security.TokenValidator;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.ScopeSet;

/**
 * What the fhir-server spends on each request's access token: {@code validate} is the usual case,
 * a token seen before (cache hit, then expiry and revoked-grant checks); {@code validateFirstUse}
 * is the whole verification (parse, RS256 signature against the cached JWKS, claims, revoked grant
 * lookup, scope parsing); {@code parseScopesOnly} is one of its parts. No network:
 * the JWKS and the revocation feed are read once in setup. Run with {@code bin/bench jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenValidationBenchmark {

    private static final String SCOPES = "launch/patient openid fhirUser offline_access patient/Patient.rs "
            + "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory "
            + "patient/Condition.rs patient/AllergyIntolerance.rs patient/MedicationRequest.rs patient/Encounter.rs";

    private TestTokens tokens;
    private TokenValidator validator;
    private TokenValidator uncached;
    private String token;
    /** Each request brings its own copy of the token (header parsing), whose hash is not computed yet. */
    private byte[] tokenBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        tokens = new TestTokens();
        RevokedGrants revoked = new RevokedGrants(tokens.revocationFeedUri(), Duration.ofSeconds(2),
                Duration.ofDays(1), Duration.ofHours(2), Clock.systemUTC());
        for (int i = 0; i < 1000; i++) {
            tokens.revoke("grant-revoked-" + i);
        }
        if (!revoked.poll()) {
            throw new IllegalStateException("revocation feed not readable");
        }
        validator = new TokenValidator(new JwksKeySource(tokens.jwksUri(), Duration.ofMinutes(1)), revoked,
                TestTokens.ISSUER, TestTokens.FHIR_BASE, Duration.ofSeconds(60));
        uncached = new TokenValidator(new JwksKeySource(tokens.jwksUri(), Duration.ofMinutes(1)), revoked,
                TestTokens.ISSUER, TestTokens.FHIR_BASE, Duration.ofSeconds(60), Clock.systemUTC(), 0);
        token = tokens.token("bench-patient", SCOPES);
        uncached.validate(token);
        tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        validator.validate(token); // fetches the JWKS once
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tokens.close();
    }

    @Benchmark
    public VerifiedToken validate() throws Exception {
        return validator.validate(new String(tokenBytes, StandardCharsets.US_ASCII));
    }

    /** A token's first use on this server: full signature and claims verification. */
    @Benchmark
    public VerifiedToken validateFirstUse() throws Exception {
        return uncached.validate(new String(tokenBytes, StandardCharsets.US_ASCII));
    }

    @Benchmark
    public ScopeSet parseScopesOnly() {
        return ScopeSet.parse(SCOPES);
    }
}
