package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver alone, against {@link FakeAuthorizationServer}. */
class LoginDriverTest {

    private static final String SCOPE = "openid fhirUser patient/Patient.rs patient/Observation.rs";
    private static final String REDIRECT = "http://localhost/callback";

    private final FakeAuthorizationServer server = new FakeAuthorizationServer();
    private final LoginDriver driver = new LoginDriver();
    private final Credentials user = new Credentials("alice", FakeAuthorizationServer.PASSWORD);

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void whenLoginAndConsentSucceedThenReturnsCodeAndStateFromRedirect() {
        AuthorizationRequest request = request();
        AuthorizationOutcome outcome = driver.authorize(new HttpSession(), request, user);

        assertThat(outcome.redirectedToClient()).as(outcome.describe()).isTrue();
        assertThat(outcome.code()).contains(FakeAuthorizationServer.CODE);
        assertThat(outcome.state()).contains(request.state());
        assertThat(outcome.error()).isEmpty();
    }

    @Test
    void whenLoggingInThenSendsCredentialsAndHiddenInputsButNotUncheckedBoxes() {
        driver.authorize(new HttpSession(), request(), user);

        List<Map.Entry<String, String>> login = server.loginSubmissions.get(0);
        assertThat(FakeAuthorizationServer.first(login, "username")).isEqualTo("alice");
        assertThat(FakeAuthorizationServer.first(login, "_csrf")).isNotBlank();
        assertThat(login).extracting(Map.Entry::getKey).doesNotContain("remember-me");
    }

    @Test
    void whenConsentingThenSubmitsLikeABrowserPressingApprove() {
        driver.authorize(new HttpSession(), request(), user);

        List<Map.Entry<String, String>> consent = server.consentSubmissions.get(0);
        assertThat(consent).filteredOn(e -> e.getKey().equals("scope")).extracting(Map.Entry::getValue)
                .containsExactly(SCOPE.split(" "));
        assertThat(consent).filteredOn(e -> e.getKey().equals("action")).extracting(Map.Entry::getValue)
                .containsExactly("approve");
        assertThat(FakeAuthorizationServer.first(consent, "client_id")).isEqualTo("app");
        assertThat(FakeAuthorizationServer.first(consent, "_csrf")).isNotBlank();
    }

    @Test
    void whenScopesAreUntickedThenConsentLeavesThemOut() {
        driver.authorize(new HttpSession(), request(), user, Set.of("patient/Observation.rs"));

        assertThat(server.consentSubmissions.get(0)).filteredOn(e -> e.getKey().equals("scope"))
                .extracting(Map.Entry::getValue)
                .containsExactly("openid", "fhirUser", "patient/Patient.rs");
    }

    @Test
    void whenConsentingThenTicksTheSensitiveDataBoxesUnlessToldToClearThem() {
        driver.authorize(new HttpSession(), request(), user);
        driver.authorize(new HttpSession(), request(), user, Set.of("SUD"));

        assertThat(server.consentSubmissions.get(0)).filteredOn(e -> e.getKey().equals("sensitive_class"))
                .extracting(Map.Entry::getValue).containsExactly("PSY", "SUD");
        assertThat(server.consentSubmissions.get(1)).filteredOn(e -> e.getKey().equals("sensitive_class"))
                .extracting(Map.Entry::getValue).containsExactly("PSY");
    }

    @Test
    void whenPasswordIsWrongThenStopsAtTheLoginPageWithoutCode() {
        AuthorizationOutcome outcome = driver.authorize(new HttpSession(), request(), new Credentials("alice", "wrong"));

        assertThat(outcome.redirect()).isNull();
        assertThat(outcome.code()).isEmpty();
        assertThat(outcome.last().status()).isEqualTo(200);
        assertThat(outcome.last().body()).contains("name=\"password\"");
    }

    @Test
    void whenServerRedirectsWithErrorThenReturnsIt() {
        AuthorizationRequest request = request().withCodeChallenge(null, null);
        AuthorizationOutcome outcome = driver.authorize(new HttpSession(), request, user);

        assertThat(outcome.redirectedToClient()).isTrue();
        assertThat(outcome.error()).contains("invalid_request");
        assertThat(outcome.state()).contains(request.state());
        assertThat(outcome.code()).isEmpty();
    }

    @Test
    void whenServerAnswersWithAnErrorPageThenStopsThere() {
        AuthorizationOutcome outcome = driver.authorize(new HttpSession(),
                request().withRedirectUri(FakeAuthorizationServer.UNREGISTERED_REDIRECT), user);

        assertThat(outcome.redirect()).isNull();
        assertThat(outcome.last().status()).isEqualTo(400);
    }

    @Test
    void whenRequestIsBuiltThenOmitsNullParameters() {
        String uri = request().withCodeChallenge(null, null).toUri().toString();
        assertThat(uri).contains("response_type=code").contains("scope=openid+fhirUser")
                .doesNotContain("code_challenge");
    }

    private AuthorizationRequest request() {
        return AuthorizationRequest.standalone(server.authorizationEndpoint(), "app", REDIRECT, SCOPE,
                URI.create("http://localhost:1/fhir"), Pkce.generate());
    }
}
