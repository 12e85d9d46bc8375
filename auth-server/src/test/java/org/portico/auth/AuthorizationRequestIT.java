package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.queryOf;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The authorization request by GET and by form POST ({@code authorize-post}): aud, PKCE, state. */
class AuthorizationRequestIT extends LaunchITSupport {

    static final String SCOPE = "openid fhirUser launch/patient patient/Patient.rs";

    @Test
    void whenAuthorizationRequestIsPostedThenLoginConsentAndCode() {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        HttpResponse<String> start = postAuthorize(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "post-1", pkce));
        assertThat(redirectOf(start).getPath()).isEqualTo("/login");
        Page consent = follow(browser.login("it-alice", "it-alice-password"));
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        assertThat(back.toString()).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(queryOf(back)).containsEntry("state", "post-1").containsKey("code");
        Map<String, Object> token = tokenJson(exchangePublic(queryOf(back).get("code"), PUBLIC_REDIRECT, pkce.verifier()));
        assertThat(token).containsEntry("patient", "it-patient-alice");
    }

    @Test
    void whenSignedInUserPostsAuthorizationRequestWithoutOpenidThenConsentDirectly() {
        signIn("it-alice", "it-alice-password");
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        Page consent = follow(postAuthorize(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, "launch/patient patient/Patient.rs", "post-2", pkce)));
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
        URI back = redirectOf(browser.approve(consent.doc(), Set.of()));
        assertThat(queryOf(back)).containsEntry("state", "post-2").containsKey("code");
    }

    @Test
    void whenAudIsWrongOrMissingThenErrorRedirectWithStateAndNoCodeByGetAndPost() {
        signIn("it-alice", "it-alice-password");
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "aud-1", SmartTestClient.Pkce.create());
        for (String aud : new String[] {"https://inferno.healthit.gov/invalid_aud", FHIR_BASE + "/other", "http://fhir.test"}) {
            params.put("aud", aud);
            assertRefused(params, "aud-1");
        }
        params.remove("aud");
        assertRefused(params, "aud-1");
    }

    @Test
    void whenAudHasATrailingSlashThenAccepted() {
        signIn("it-alice", "it-alice-password");
        Map<String, String> params = authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "aud-2", SmartTestClient.Pkce.create());
        params.put("aud", FHIR_BASE + "/");
        assertThat(follow(browser.get(browser.authorizeUri(params))).uri().getPath()).isEqualTo("/oauth2/consent");
    }

    @Test
    void whenPkceIsPlainOrMissingThenErrorRedirectWithStateByGetAndPost() {
        signIn("it-alice", "it-alice-password");
        Map<String, String> plain = authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "pkce-1", SmartTestClient.Pkce.create());
        plain.put("code_challenge_method", "plain");
        assertRefused(plain, "pkce-1");

        Map<String, String> missing = authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "pkce-2", SmartTestClient.Pkce.create());
        missing.remove("code_challenge");
        missing.remove("code_challenge_method");
        assertRefused(missing, "pkce-2");

        // a confidential client must use PKCE too
        Map<String, String> confidential = authorizeParams(EHR_CLIENT, EHR_REDIRECT, SCOPE, "pkce-3", SmartTestClient.Pkce.create());
        confidential.remove("code_challenge");
        confidential.remove("code_challenge_method");
        HttpResponse<String> response = postAuthorize(confidential);
        assertThat(queryOf(redirectOf(response))).containsEntry("error", "invalid_request").containsEntry("state", "pkce-3")
                .doesNotContainKey("code");
    }

    void assertRefused(Map<String, String> params, String state) {
        for (boolean post : new boolean[] {true, false}) {
            HttpResponse<String> response = post ? postAuthorize(params) : browser.get(browser.authorizeUri(params));
            URI location = redirectOf(response);
            assertThat(location.toString()).as(params.toString()).startsWith(params.get("redirect_uri") + "?");
            assertThat(queryOf(location)).containsEntry("error", "invalid_request").containsEntry("state", state)
                    .doesNotContainKey("code");
        }
    }
}
