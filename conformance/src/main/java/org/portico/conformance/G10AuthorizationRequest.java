package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** G10 checklist §4: the authorization request as Inferno builds it, by GET and by POST. */
@ExtendWith(DeploymentExtension.class)
class G10AuthorizationRequest {

    private final Deployment deployment;
    private final SmartClient smart;
    private final G10.App app;

    G10AuthorizationRequest(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.app = G10.apps(deployment).symmetric();
    }

    private AuthorizationRequest request(Pkce pkce) {
        return AuthorizationRequest.standalone(smart.discovery().authorizationEndpoint(), app.clientId(), G10.REDIRECT_URI,
                G10.STANDALONE_V2, smart.fhirBase(), pkce);
    }

    @Test
    @DisplayName("4.1 GET authorize with response_type, client_id, redirect_uri, scope, state, aud, S256 challenge -> code + state")
    void row_4_1_getAuthorize() {
        AuthorizationRequest request = request(Pkce.generate());
        assertThat(request.toUri().getQuery()).contains("response_type=code", "aud=", "code_challenge_method=S256", "state=");
        AuthorizationOutcome outcome = smart.authorize(request, G10.patientUser(deployment));
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        assertThat(outcome.state()).contains(request.state());
    }

    @Test
    @DisplayName("4.2 Inferno's PKCE verifier (two UUIDs joined, 73 chars) is accepted at the token endpoint")
    void row_4_2_infernoVerifier() {
        Pkce pkce = Pkce.of(UUID.randomUUID() + "-" + UUID.randomUUID());
        assertThat(pkce.verifier()).hasSize(73);
        AuthorizationRequest request = request(pkce);
        AuthorizationOutcome outcome = smart.authorize(request, G10.patientUser(deployment));
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        Response exchange = smart.exchangeCode(app.auth(), outcome.code().get(), G10.REDIRECT_URI, pkce.verifier());
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
    }

    @Test
    @DisplayName("4.3 aud must equal the FHIR base: a foreign aud yields no code (error redirect with state)")
    void row_4_3_audMustMatch() {
        AuthorizationRequest request = request(Pkce.generate()).withAud(smart.fhirBase() + "-other");
        AuthorizationOutcome outcome = smart.authorize(request, G10.patientUser(deployment));
        assertThat(outcome.code()).as(outcome.describe()).isEmpty();
        if (outcome.redirectedToClient()) {
            assertThat(outcome.error()).isPresent();
            assertThat(outcome.state()).contains(request.state());
        }
    }

    @Test
    @DisplayName("4.4 authorize by application/x-www-form-urlencoded POST (authorize-post) -> code + state")
    void row_4_4_postAuthorize() {
        AuthorizationRequest request = request(Pkce.generate());
        AuthorizationOutcome outcome = smart.loginDriver().authorizeByPost(smart.newSession(), request,
                G10.patientUser(deployment), LoginDriver.Choices.approveAll());
        assertThat(outcome.trail().get(0)).startsWith("POST ");
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        assertThat(outcome.state()).contains(request.state());
    }

    @Test
    @DisplayName("4.5 parameters already in the registered authorization_endpoint query are preserved")
    void row_4_5_endpointQueryPreserved() {
        String endpoint = smart.discovery().authorizationEndpoint().toString();
        assumeTrue(endpoint.contains("?"), "the advertised authorization_endpoint has no query string to preserve");
        assertThat(request(Pkce.generate()).toUri().toString()).startsWith(endpoint + "&");
    }
}
