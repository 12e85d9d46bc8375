package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad authorization requests and bad code exchanges (G10 checklist §4, G5; architecture invariant 7):
 * each is refused the way RFC 6749 / RFC 7636 say, and none yields a code or tokens.
 */
@ExtendWith(DeploymentExtension.class)
class AuthorizationRequestChecks {

    private static final String FOREIGN = "https://attacker.example.org";

    private final SmartClient smart;
    private final ClientRegistration client;
    private final Credentials user;

    AuthorizationRequestChecks(Deployment deployment) {
        this.smart = deployment.smartClient();
        this.client = deployment.demo().publicClient();
        this.user = deployment.demo().user(0);
    }

    @Test
    void requestWithoutCodeChallengeIsRefused() {
        AuthorizationRequest request = validRequest(Pkce.generate()).withCodeChallenge(null, null);
        assertInvalidRequest(request, smart.authorize(request, user));
    }

    @Test
    void plainCodeChallengeMethodIsRefused() {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = validRequest(pkce).withCodeChallenge(pkce.verifier(), "plain");
        assertInvalidRequest(request, smart.authorize(request, user));
    }

    @Test
    void unregisteredRedirectUriGets400WithoutRedirect() {
        AuthorizationRequest request = validRequest(Pkce.generate()).withRedirectUri(FOREIGN + "/callback");
        assertRefusedWithoutRedirect(smart.authorize(request, user));
    }

    @Test
    void unknownClientGets400WithoutRedirect() {
        AuthorizationRequest request = validRequest(Pkce.generate()).withClientId("unknown-" + UUID.randomUUID());
        assertRefusedWithoutRedirect(smart.authorize(request, user));
    }

    @Test
    void foreignAudienceGetsErrorRedirectWithoutCode() {
        AuthorizationRequest request = validRequest(Pkce.generate()).withAud(FOREIGN + "/fhir");
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as("no code for a foreign aud\n" + outcome).isEmpty();
        assertThat(outcome.redirectedToClient()).as("an error redirect to the client\n" + outcome).isTrue();
        assertThat(outcome.error()).as("error parameter").isPresent();
        assertThat(outcome.state()).as("state parameter").contains(request.state());
    }

    @Test
    void codeExchangedTwiceFailsTheSecondTimeWithInvalidGrant() {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = validRequest(pkce);
        String code = codeFor(request);

        Response first = smart.exchangeCode(client, code, request.redirectUri(), pkce.verifier());
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        Response second = smart.exchangeCode(client, code, request.redirectUri(), pkce.verifier());
        assertOAuthError(second, "invalid_grant");
    }

    @Test
    void wrongCodeVerifierGetsInvalidGrant() {
        AuthorizationRequest request = validRequest(Pkce.generate());
        String code = codeFor(request);

        Response exchange = smart.exchangeCode(client, code, request.redirectUri(), Pkce.generate().verifier());
        assertOAuthError(exchange, "invalid_grant");
    }

    private AuthorizationRequest validRequest(Pkce pkce) {
        return smart.authorizationRequest(client, StandaloneLaunchChecks.SCOPE, pkce);
    }

    private String codeFor(AuthorizationRequest request) {
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        return outcome.code().get();
    }

    /** RFC 7636 §4.4.1: invalid_request, by redirect to the client with the state, or as a 400 page. */
    private static void assertInvalidRequest(AuthorizationRequest request, AuthorizationOutcome outcome) {
        assertThat(outcome.code()).as("no code\n" + outcome).isEmpty();
        if (outcome.redirectedToClient()) {
            assertThat(outcome.error()).as("error parameter\n" + outcome).contains("invalid_request");
            assertThat(outcome.state()).as("state parameter\n" + outcome).contains(request.state());
        } else {
            assertThat(outcome.last().status()).as("an error redirect or a 400\n" + outcome).isEqualTo(400);
        }
    }

    /** RFC 6749 §4.1.2.1: with an unknown client or redirect URI the server must not redirect. */
    private static void assertRefusedWithoutRedirect(AuthorizationOutcome outcome) {
        assertThat(outcome.redirect()).as("no redirect away from the authorization server\n" + outcome).isNull();
        assertThat(outcome.last().status()).as(outcome.toString()).isEqualTo(400);
    }

    /** RFC 6749 §5.2: 400 with the error code in a JSON body. */
    private static void assertOAuthError(Response response, String error) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().path("error").asText()).as(response.toString()).isEqualTo(error);
    }
}
