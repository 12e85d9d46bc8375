package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.json;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** The patient's connected-apps page (SMART management_endpoint) over HTTP, with its negative twins. */
class ConnectedAppsIT extends RegistrationITSupport {

    static final String READ_OBSERVATIONS = "Read and search your lab results and vital signs (Observation)";
    static final String READ_CONDITIONS = "Read and search your health problems and diagnoses (Condition)";

    @Autowired
    RegisteredClientRepository clients;

    @Autowired
    OAuth2AuthorizationConsentService consents;

    Document appsPage(SmartTestClient as) {
        HttpResponse<String> page = as.get(URI.create("/account/apps"));
        assertThat(page.statusCode()).isEqualTo(200);
        return Jsoup.parse(page.body(), as.base.toString());
    }

    static Element row(Document page, String clientId) {
        return page.selectFirst("tr[data-client-id=" + clientId + "]");
    }

    String registerApp(String name) {
        return (String) registered(publicApp(name)).get("client_id");
    }

    @Test
    void whenSignedOutThenSentToLoginAndBackAfterwards() {
        HttpResponse<String> page = browser.get(URI.create("/account/apps"));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        HttpResponse<String> login = browser.login(ALICE, ALICE_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(URI.create(login.headers().firstValue("Location").orElseThrow()).getPath()).isEqualTo("/account/apps");
        Document apps = appsPage(browser);
        assertThat(apps.select("h1").eachText()).containsExactly("Your connected apps");
        assertThat(apps.selectFirst("html").attr("lang")).isEqualTo("en");
    }

    @Test
    void whenPatientAuthorizedAnAppThenPageListsWhatItMayUseSinceWhenAndLastAccess() {
        String clientId = registerApp("Connected app");
        Instant before = Instant.now().minusSeconds(5);
        Map<String, Object> token = launch(clientId,
                "launch/patient openid offline_access patient/Observation.rs patient/Condition.rs", ALICE, ALICE_PASSWORD);

        Document page = appsPage(browser);
        assertThat(page.select("table#apps thead th[scope=col]")).hasSize(6);
        Element row = row(page, clientId);
        assertThat(row).isNotNull();
        assertThat(row.selectFirst("th[scope=row]").text()).contains("Connected app").contains("Not reviewed by " + REVIEWER);
        assertThat(row.select("td.access li").eachText()).contains(READ_OBSERVATIONS, READ_CONDITIONS,
                "Keep access when you are not using the app, until you revoke it");
        assertThat(row.selectFirst("td.offline").text()).isEqualTo("Yes, until you revoke it");
        Instant since = Instant.parse(row.selectFirst("td.since time").attr("datetime"));
        Instant last = Instant.parse(row.selectFirst("td.last-token time").attr("datetime"));
        assertThat(since).isBetween(before, Instant.now());
        assertThat(last).isAfterOrEqualTo(since);
        assertThat(row.selectFirst("button[type=submit]").text()).isEqualTo("Revoke access of Connected app");

        HttpResponse<String> refreshed = refresh(clientId, (String) token.get("refresh_token"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        Element after = row(appsPage(browser), clientId);
        assertThat(Instant.parse(after.selectFirst("td.since time").attr("datetime"))).isEqualTo(since);
        assertThat(Instant.parse(after.selectFirst("td.last-token time").attr("datetime"))).isAfterOrEqualTo(last);
    }

    @Test
    void whenNoOfflineAccessThenPageSaysSo() {
        String clientId = registerApp("Online-only app");
        launch(clientId, "launch/patient patient/Observation.rs", ALICE, ALICE_PASSWORD);
        Element row = row(appsPage(browser), clientId);
        assertThat(row.selectFirst("td.offline").text()).isEqualTo("No");
        assertThat(row.select("td.access li").eachText()).contains(READ_OBSERVATIONS).doesNotContain(READ_CONDITIONS);
    }

    @Test
    void whenAnotherUserAuthorizedAnAppThenItIsNotListed() {
        String alicesApp = registerApp("Alice's app");
        String bobsApp = registerApp("Bob's app");
        launch(alicesApp, "launch/patient patient/Observation.rs", ALICE, ALICE_PASSWORD);
        SmartTestClient alice = browser;
        browser = new SmartTestClient(port);
        launch(bobsApp, "launch/patient patient/Observation.rs", BOB, BOB_PASSWORD);
        SmartTestClient bob = browser;

        Document alicePage = appsPage(alice);
        assertThat(row(alicePage, alicesApp)).isNotNull();
        assertThat(row(alicePage, bobsApp)).isNull();
        Document bobPage = appsPage(bob);
        assertThat(row(bobPage, bobsApp)).isNotNull();
        assertThat(row(bobPage, alicesApp)).isNull();
    }

    @Test
    void whenPatientRevokesAnAppThenEveryGrantGoesAndItsRefreshTokensFailAtOnce() {
        String clientId = registerApp("Revoked app");
        String scope = "launch/patient offline_access patient/Observation.rs";
        Map<String, Object> first = launch(clientId, scope, ALICE, ALICE_PASSWORD);
        Map<String, Object> second = launch(clientId, scope, ALICE, ALICE_PASSWORD);
        String registeredId = clients.findByClientId(clientId).getId();
        assertThat(consents.findById(registeredId, ALICE)).isNotNull();

        Element form = row(appsPage(browser), clientId).selectFirst("form.revoke-form");
        HttpResponse<String> revoked = browser.postForm(URI.create(form.attr("action")), fields(form), Map.of());
        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(URI.create(revoked.headers().firstValue("Location").orElseThrow()).getPath()).isEqualTo("/account/apps");

        Document page = appsPage(browser);
        assertThat(page.selectFirst("#revoked-notice").text()).isEqualTo("Access revoked.");
        assertThat(row(page, clientId)).isNull();
        for (Map<String, Object> token : List.of(first, second)) {
            HttpResponse<String> refreshed = refresh(clientId, (String) token.get("refresh_token"));
            assertThat(refreshed.statusCode()).isEqualTo(400);
            assertThat(json(refreshed.body())).containsEntry("error", "invalid_grant");
        }
        assertThat(consents.findById(registeredId, ALICE)).isNull();
    }

    @Test
    void whenRevokeHasNoCsrfTokenThenRefusedAndTheAppKeepsAccess() {
        String clientId = registerApp("Kept app");
        Map<String, Object> token = launch(clientId, "launch/patient offline_access patient/Observation.rs", ALICE, ALICE_PASSWORD);
        HttpResponse<String> forged = browser.postForm(URI.create("/account/apps/revoke"),
                SmartTestClient.form("client_id", clientId), Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(row(appsPage(browser), clientId)).isNotNull();
        assertThat(refresh(clientId, (String) token.get("refresh_token")).statusCode()).isEqualTo(200);
    }

    @Test
    void whenAnotherUserRevokesTheAppThenOnlyTheirOwnGrantsAreAffected() {
        String clientId = registerApp("Shared app");
        Map<String, Object> alicesToken = launch(clientId, "launch/patient offline_access patient/Observation.rs", ALICE, ALICE_PASSWORD);

        SmartTestClient bob = new SmartTestClient(port);
        bob.get(URI.create("/account/apps"));
        bob.login(BOB, BOB_PASSWORD);
        Element logout = appsPage(bob).selectFirst("form#logout-form");
        Map<String, List<String>> fields = fields(logout);
        fields.put("client_id", List.of(clientId));
        HttpResponse<String> revoked = bob.postForm(URI.create("/account/apps/revoke"), fields, Map.of());
        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(appsPage(bob).selectFirst("#revoked-notice").text()).isEqualTo("That app had no access to revoke.");

        assertThat(refresh(clientId, (String) alicesToken.get("refresh_token")).statusCode()).isEqualTo(200);
        assertThat(row(appsPage(browser), clientId)).isNotNull();
    }

    static Map<String, List<String>> fields(Element form) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[type=hidden]")) {
            fields.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        return fields;
    }
}
