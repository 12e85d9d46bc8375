package org.portico.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.smart.scope.Compartment;
import org.portico.smart.scope.Interaction;

class TokenValidatorTest {

    private TestTokens tokens;
    private MutableClock clock;
    private TokenValidator validator;
    private RevokedGrants revoked;

    @BeforeEach
    void setUp() {
        tokens = new TestTokens();
        clock = new MutableClock(Instant.now());
        JwksKeySource keys = new JwksKeySource(tokens.jwksUri(), Duration.ofMinutes(1), clock);
        revoked = new RevokedGrants(tokens.revocationFeedUri(), Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofHours(2), clock);
        assertThat(revoked.poll()).as("first read of the revocation feed").isTrue();
        validator = new TokenValidator(keys, revoked, TestTokens.ISSUER, TestTokens.FHIR_BASE, Duration.ofSeconds(60), clock);
    }

    @AfterEach
    void tearDown() {
        tokens.close();
    }

    @Test
    void whenTokenIsValidThenClaimsAreReturned() throws Exception {
        VerifiedToken token = validator.validate(tokens.token("p1", "patient/Observation.rs openid bogus/scope"));
        assertThat(token.patient()).contains("p1");
        assertThat(token.clientId()).isEqualTo("test-client");
        assertThat(token.scopes().allows(Compartment.PATIENT, "Observation", Interaction.SEARCH)).isTrue();
        assertThat(token.scopes().unknown()).hasSize(1);
    }

    @Test
    void whenAudienceHasTrailingSlashOrSeveralValuesThenAccepted() throws Exception {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs")
                .audience(java.util.List.of("https://other.example", TestTokens.FHIR_BASE + "/")).build();
        assertThat(validator.validate(tokens.sign(claims)).patient()).contains("p1");
    }

    @Test
    void whenExpiredBeyondSkewThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs")
                .expirationTime(Date.from(clock.instant().minusSeconds(61))).build();
        assertRejected(tokens.sign(claims), "expired");
    }

    @Test
    void whenExpiredWithinSkewThenAccepted() throws Exception {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs")
                .expirationTime(Date.from(clock.instant().minusSeconds(30))).build();
        assertThat(validator.validate(tokens.sign(claims)).patient()).contains("p1");
    }

    @Test
    void whenNotYetValidBeyondSkewThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs")
                .notBeforeTime(Date.from(clock.instant().plusSeconds(120))).build();
        assertRejected(tokens.sign(claims), "not valid yet");
    }

    @Test
    void whenNoExpiryThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs").expirationTime(null).build();
        assertRejected(tokens.sign(claims), "no expiry");
    }

    @Test
    void whenWrongAudienceThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs").audience("http://localhost:8080/other").build();
        assertRejected(tokens.sign(claims), "not meant for this FHIR server");
    }

    @Test
    void whenWrongIssuerThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs").issuer("http://evil.example").build();
        assertRejected(tokens.sign(claims), "expected issuer");
    }

    @Test
    void whenSignedByAnotherKeyThenRejected() {
        assertRejected(tokens.signWithOtherKey(tokens.claims("p1", "patient/*.rs").build()), "signature is invalid");
    }

    @Test
    void whenAlgNoneThenRejected() {
        assertRejected(tokens.unsigned(tokens.claims("p1", "patient/*.rs").build()), "malformed");
    }

    @Test
    void whenHmacSignedThenRejected() {
        assertRejected(tokens.hmacSigned(tokens.claims("p1", "patient/*.rs").build()), "algorithm that is not accepted");
    }

    @Test
    void whenGarbageThenRejected() {
        assertRejected("not-a-jwt", "malformed");
        assertRejected("a.b.c", "malformed");
    }

    @Test
    void whenManyTokensThenJwksIsFetchedOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            validator.validate(tokens.token("p" + i, "patient/*.rs"));
        }
        assertThat(tokens.jwksRequests()).isEqualTo(1);
    }

    @Test
    void whenKidIsUnknownThenJwksIsRefetchedAtMostOncePerMinute() throws Exception {
        validator.validate(tokens.token("p1", "patient/*.rs"));
        String unknownKid = new TestTokens().token("p1", "patient/*.rs");
        assertRejected(unknownKid, "unknown key");
        assertRejected(unknownKid, "unknown key");
        assertThat(tokens.jwksRequests()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        assertRejected(unknownKid, "unknown key");
        assertRejected(unknownKid, "unknown key");
        assertThat(tokens.jwksRequests()).isEqualTo(2);
    }

    @Test
    void whenJwksIsUnreachableThenRejectedWithoutException() {
        JwksKeySource keys = new JwksKeySource(URI.create("http://127.0.0.1:1/jwks"), Duration.ofMinutes(1), clock);
        TokenValidator offline =
                new TokenValidator(keys, revoked, TestTokens.ISSUER, TestTokens.FHIR_BASE, Duration.ofSeconds(60), clock);
        assertThatThrownBy(() -> offline.validate(tokens.token("p1", "patient/*.rs")))
                .isInstanceOf(InvalidTokenException.class).hasMessageContaining("unknown key");
    }

    @Test
    void whenGrantIsRevokedThenItsTokensAreRejectedAfterTheNextPoll() throws Exception {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs").build();
        String token = tokens.sign(claims);
        String other = tokens.token("p1", "patient/*.rs");
        assertThat(validator.validate(token).patient()).contains("p1");
        tokens.revoke(claims.getStringClaim(org.portico.smart.claims.SmartClaims.GRANT_ID));
        assertThat(revoked.poll()).isTrue();
        assertRejected(token, "revoked");
        assertThat(validator.validate(other).patient()).as("another grant's token").contains("p1");
    }

    @Test
    void whenAVerifiedTokenExpiresThenTheCachedVerdictDoesNotOutliveIt() throws Exception {
        String token = tokens.token("p1", "patient/*.rs"); // exp = now + 5 min
        assertThat(validator.validate(token).patient()).contains("p1");
        assertThat(validator.validate(token).patient()).as("from the cache").contains("p1");
        clock.advance(Duration.ofMinutes(5).plusSeconds(61));
        assertRejected(token, "expired");
    }

    @Test
    void whenTheTokenNamesNoGrantThenRejected() {
        JWTClaimsSet claims = tokens.claims("p1", "patient/*.rs").claim(org.portico.smart.claims.SmartClaims.GRANT_ID, null).build();
        assertRejected(tokens.sign(claims), "no grant");
    }

    @Test
    void whenTheTokenListsThePatientsTheUserActsForThenTheyAreRead() throws Exception {
        JWTClaimsSet claims = tokens.claims(null, "user/*.rs")
                .claim(org.portico.smart.claims.SmartClaims.PATIENTS, java.util.List.of("p1", "p2")).build();
        assertThat(validator.validate(tokens.sign(claims)).patients()).containsExactly("p1", "p2");
        assertThat(validator.validate(tokens.token("p1", "patient/*.rs")).patients()).isEmpty();
    }

    @Test
    void whenThePatientsClaimHasAnotherShapeThenRejected() {
        JWTClaimsSet claims = tokens.claims(null, "user/*.rs").claim(org.portico.smart.claims.SmartClaims.PATIENTS, "p1 p2").build();
        assertRejected(tokens.sign(claims), "wrong type");
    }

    @Test
    void whenTheFeedIsStaleThenEveryTokenIsRefusedUntilItIsReadAgain() throws Exception {
        String token = tokens.token("p1", "patient/*.rs");
        tokens.feedUp(false);
        assertThat(revoked.poll()).as("a 503 from the feed is not a successful read").isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(validator.validate(token).patient()).contains("p1");
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> validator.validate(token)).isInstanceOf(RevocationStateUnavailableException.class);
        tokens.feedUp(true);
        assertThat(revoked.poll()).isTrue();
        assertThat(validator.validate(token).patient()).contains("p1");
    }

    @Test
    void whenTheFeedWasNeverReadThenTokensAreRefused() {
        RevokedGrants never = new RevokedGrants(URI.create("http://127.0.0.1:1/revocations"), Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofHours(2), clock);
        assertThat(never.poll()).isFalse();
        JwksKeySource keys = new JwksKeySource(tokens.jwksUri(), Duration.ofMinutes(1), clock);
        TokenValidator blind =
                new TokenValidator(keys, never, TestTokens.ISSUER, TestTokens.FHIR_BASE, Duration.ofSeconds(60), clock);
        assertThatThrownBy(() -> blind.validate(tokens.token("p1", "patient/*.rs")))
                .isInstanceOf(RevocationStateUnavailableException.class);
    }

    @Test
    void errorMessagesNeverContainTheToken() {
        String token = tokens.signWithOtherKey(tokens.claims("p1", "patient/*.rs").build());
        assertThatThrownBy(() -> validator.validate(token))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.substring(0, 20)));
    }

    private void assertRejected(String token, String reason) {
        assertThatThrownBy(() -> validator.validate(token))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining(reason);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
