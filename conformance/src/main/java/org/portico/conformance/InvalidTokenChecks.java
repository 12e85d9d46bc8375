package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.portico.smart.claims.SmartClaims;

/**
 * No valid token, no data (architecture invariant 1): each forged or missing token gets 401 with a
 * Bearer challenge and an OperationOutcome, on a read the genuine token is allowed.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidTokenChecks {

    private final Deployment deployment;
    private final SmartClient smart;
    private String token;
    private String ownPatient;

    InvalidTokenChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launchAsFirstDemoUser() {
        TokenResponse tokens = smart.launch(deployment.demo().publicClient(), deployment.demo().user(0),
                StandaloneLaunchChecks.SCOPE).tokens();
        token = tokens.accessToken();
        ownPatient = tokens.patient();
    }

    @Test
    void genuineTokenReadsOwnPatient() {
        Response response = smart.read(ownPatientPath(), token);
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
    }

    @Test
    void requestWithoutTokenIsUnauthorized() {
        Response response = smart.http().get(smart.fhirUri(ownPatientPath()), "Accept", "application/fhir+json");
        assertUnauthorized(response);
    }

    @Test
    void garbageTokenIsUnauthorized() {
        assertUnauthorized(smart.read(ownPatientPath(), "not-a-jwt"));
    }

    @Test
    void tokenWithAlteredAudienceIsUnauthorized() throws Exception {
        String[] parts = token.split("\\.");
        Map<String, Object> claims = SignedJWT.parse(token).getJWTClaimsSet().toJSONObject();
        claims.put(SmartClaims.AUDIENCE, "https://attacker.example.org/fhir");
        String payload = Base64URL.encode(JWTClaimsSet.parse(claims).toString()).toString();
        assertUnauthorized(smart.read(ownPatientPath(), parts[0] + "." + payload + "." + parts[2]));
    }

    @Test
    void tokenSignedByForeignKeyUnderGenuineKidIsUnauthorized() throws Exception {
        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        assertUnauthorized(smart.read(ownPatientPath(), resignedWithForeignKey(kid)));
    }

    @Test
    void tokenSignedByForeignKeyUnderUnknownKidIsUnauthorized() throws Exception {
        assertUnauthorized(smart.read(ownPatientPath(), resignedWithForeignKey("conformance-foreign-key")));
    }

    @Test
    void unsignedAlgNoneTokenIsUnauthorized() throws Exception {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(SignedJWT.parse(token).getJWTClaimsSet().toString()).toString();
        assertUnauthorized(smart.read(ownPatientPath(), header + "." + payload + "."));
    }

    private String ownPatientPath() {
        return "Patient/" + ownPatient;
    }

    /** The genuine token's claims, signed RS256 by a key the test made. */
    private String resignedWithForeignKey(String kid) throws Exception {
        RSAKey foreign = new RSAKeyGenerator(2048).keyID(kid).generate();
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (kid != null) {
            header.keyID(kid);
        }
        SignedJWT forged = new SignedJWT(header.build(), SignedJWT.parse(token).getJWTClaimsSet());
        forged.sign(new RSASSASigner(foreign));
        return forged.serialize();
    }

    private static void assertUnauthorized(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).as("WWW-Authenticate")
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(response.json().path("resourceType").asText()).as("body of " + response.describe())
                .isEqualTo("OperationOutcome");
    }
}
