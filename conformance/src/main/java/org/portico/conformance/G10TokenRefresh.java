package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1.6 Token refresh (G10 checklist §7.1 step 4) on a fresh scenario-1 launch: without scope, with
 * scope, then a random refresh token. Ordered because each refresh rotates the refresh token.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class G10TokenRefresh {

    private final Deployment deployment;
    private final SmartClient smart;
    private G10.App app;
    private TokenResponse initial;
    private String refreshToken;
    private Response withoutScope;
    private Response withScope;

    G10TokenRefresh(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launchAndRefresh() {
        app = G10.apps(deployment).symmetric();
        initial = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), G10.patientUser(deployment), G10.STANDALONE_V2,
                LoginDriver.Choices.approveAll()).tokens();
        refreshToken = initial.refreshToken();
        withoutScope = smart.refresh(app.auth(), refreshToken, null);
        if (withoutScope.status() == 200 && withoutScope.json().hasNonNull("refresh_token")) {
            refreshToken = withoutScope.json().path("refresh_token").asText();
        }
        String received = withoutScope.status() == 200 ? withoutScope.json().path("scope").asText() : initial.scope();
        withScope = smart.refresh(app.auth(), refreshToken, received);
    }

    @Test
    @Order(1)
    @DisplayName("1.6.01 refresh without scope -> 200; access_token, token_type bearer, expires_in number, scope")
    void row_1_6_01_refreshWithoutScope() {
        G10.assertTokenBody(withoutScope);
    }

    @Test
    @Order(2)
    @DisplayName("1.6.02 refresh without scope: received scope is a subset of the granted; refresh_token a string if rotated")
    void row_1_6_02_scopeSubset() {
        assertThat(G10.scopes(withoutScope.json().path("scope").asText())).isSubsetOf(G10.scopes(initial.scope()));
        if (withoutScope.json().has("refresh_token")) {
            assertThat(withoutScope.json().path("refresh_token").isTextual()).isTrue();
        }
    }

    @Test
    @Order(3)
    @DisplayName("1.6.03 refresh response headers: Cache-Control no-store, Pragma no-cache")
    void row_1_6_03_headers() {
        G10.assertNoStore(withoutScope);
        G10.assertNoStore(withScope);
    }

    @Test
    @Order(4)
    @DisplayName("1.6.04 refresh with scope = received scopes -> 200, same body checks, scope a subset")
    void row_1_6_04_refreshWithScope() {
        G10.assertTokenBody(withScope);
        assertThat(G10.scopes(withScope.json().path("scope").asText())).isSubsetOf(G10.scopes(initial.scope()));
    }

    @Test
    @Order(5)
    @DisplayName("1.6.05 GET Patient/{id} with the refreshed access token -> 200")
    void row_1_6_05_patientRead() {
        Response r = smart.read("Patient/" + initial.patient(), withScope.json().path("access_token").asText());
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
    }

    @Test
    @Order(6)
    @DisplayName("1.6.06 refresh with a random UUID refresh token -> 400/401")
    void row_1_6_06_invalidRefreshToken() {
        G10.assertOAuthError(smart.refresh(app.auth(), UUID.randomUUID().toString(), null), 400, 401);
    }
}
