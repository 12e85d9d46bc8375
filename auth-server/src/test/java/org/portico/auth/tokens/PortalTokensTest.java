package org.portico.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.smart.claims.SmartClaims;

/** The portal's access-log token: the claims of docs/wire-contract.md, 60 s, verifiable with the public JWKS only. */
class PortalTokensTest {

    static final String ISSUER = "https://auth.example.org";
    static final String FHIR = "https://fhir.example.org/fhir";
    static final Instant NOW = Instant.parse("2026-11-27T05:00:00Z");
    static final UserAccount CAROL = new UserAccount("sub-carol", "carol", "{noop}x", "pat-carol", "Carol");
    static final ActingFor DAVE = new ActingFor("pat-dave", "Dave", false, false);

    final RSAKey signing = generate("kid-1");
    final PortalTokens tokens = new PortalTokens(new ImmutableJWKSet<>(new JWKSet(signing)), ISSUER + "/", FHIR + "/",
            Clock.fixed(NOW, ZoneOffset.UTC));

    static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whenMintedThenSignedRs256WithTheIssuersKeyAndVerifiableWithThePublicJwks() throws Exception {
        SignedJWT jwt = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of()));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("kid-1");
        // what the fhir-server sees: the public half from the JWKS document
        RSAKey published = (RSAKey) JWKSet.parse(new JWKSet(signing).toPublicJWKSet().toString()).getKeyByKeyId("kid-1");
        assertThat(published.isPrivate()).isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
        assertThat(jwt.verify(new RSASSAVerifier(generate("kid-1").toPublicJWK()))).as("another key").isFalse();
    }

    @Test
    void whenMintedThenTheTokenListsTheLabelsTheReaderMaySeeAndNoneWhenGivenNone() throws Exception {
        JWTClaimsSet proxy = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE,
                java.util.Set.of("http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY"))).getJWTClaimsSet();
        assertThat(proxy.getStringListClaim(org.portico.smart.claims.SmartClaims.SENSITIVE))
                .containsExactly("http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY");
        JWTClaimsSet none = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of())).getJWTClaimsSet();
        assertThat(none.getStringListClaim(org.portico.smart.claims.SmartClaims.SENSITIVE)).isEmpty();
    }

    @Test
    void whenMintedThenClaimsNameIssuerFhirAudienceUserPatientAndOnlyTheAuditReadScope() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of())).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(FHIR);
        assertThat(claims.getSubject()).isEqualTo("sub-carol");
        assertThat(claims.getStringClaim(SmartClaims.CLIENT_ID)).isEqualTo("portico-portal");
        assertThat(claims.getStringClaim(SmartClaims.PATIENT)).isEqualTo("pat-dave");
        assertThat(claims.getStringClaim(SmartClaims.FHIR_USER)).as("the user's own record").isEqualTo(FHIR + "/Patient/pat-carol");
        assertThat(claims.getStringClaim(SmartClaims.SCOPE)).isEqualTo("patient/AuditEvent.rs");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getStringClaim(SmartClaims.GRANT_ID)).isNotBlank();
    }

    @Test
    void whenMintedThenItLivesSixtySeconds() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of())).getJWTClaimsSet();
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(60)));
    }

    @Test
    void whenMintedTwiceThenEachTokenHasItsOwnIdAndGrant() throws Exception {
        JWTClaimsSet first = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of())).getJWTClaimsSet();
        JWTClaimsSet second = SignedJWT.parse(tokens.auditLogReader(CAROL, DAVE, java.util.Set.of())).getJWTClaimsSet();
        assertThat(second.getJWTID()).isNotEqualTo(first.getJWTID());
        assertThat(second.getStringClaim(SmartClaims.GRANT_ID)).isNotEqualTo(first.getStringClaim(SmartClaims.GRANT_ID));
    }
}
