package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Who has seen my record" over HTTP. The fhir-server is {@link FhirStub}, a small HTTP stand-in at
 * {@code portico.auth.fhir-internal-url} (set by {@link LaunchITSupport}); the test checks the portal
 * token the way the fhir-server does (signature against the auth-server's published JWKS, claims);
 * the stub answers with AuditEvents in the fhir-server's BALP shape (test resource {@code audit/search-bundle.json}); the real pair is the
 * conformance suite's AccessLogIT.
 */
class AccessLogIT extends LaunchITSupport {

    static final List<FhirStub.Call> calls = FhirStub.CALLS;

    @BeforeEach
    void resetFhir() {
        FhirStub.reset();
    }

    HttpResponse<String> accessLog(String query) {
        return browser.get(URI.create("/account/access-log" + (query == null ? "" : "?" + query)));
    }

    Document page(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Jsoup.parse(response.body(), browser.base.toString());
    }

    static Element group(Document page, String clientId) {
        return page.selectFirst("section.app-log[data-client-id=" + clientId + "]");
    }

    @Test
    void whenSignedOutThenSentToLoginAndNoFhirCallIsMade() {
        HttpResponse<String> response = accessLog(null);
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(calls).isEmpty();
    }

    @Test
    void whenSignedInThenTheLogIsReadWithAPortalTokenForTheOwnRecord() throws Exception {
        signIn("it-alice", "it-alice-password");
        page(accessLog(null));

        assertThat(calls).hasSize(1);
        FhirStub.Call call = calls.get(0);
        assertThat(call.uri().getPath()).isEqualTo("/fhir/AuditEvent");
        assertThat(call.query()).containsEntry("patient", "it-patient-alice")
                .containsEntry("_sort", "-date")
                .containsEntry("_count", "50")
                .containsKey("date");
        SignedJWT token = call.token();
        JWKSet jwks = JWKSet.parse(browser.get(URI.create("/oauth2/jwks")).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(token.getHeader().getKeyID());
        assertThat(key).as("the token's key is in the published JWKS").isNotNull();
        assertThat(token.verify(new RSASSAVerifier(key))).isTrue();
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(FHIR_BASE);
        assertThat(claims.getStringClaim("client_id")).isEqualTo("portico-portal");
        assertThat(claims.getStringClaim("scope")).isEqualTo("patient/AuditEvent.rs");
        assertThat(claims.getStringClaim("patient")).isEqualTo("it-patient-alice");
        assertThat(claims.getStringClaim("fhirUser")).isEqualTo(FHIR_BASE + "/Patient/it-patient-alice");
        assertThat(claims.getStringClaim("portico_grant")).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(60_000);
        assertThat(claims.getExpirationTime()).isAfter(new Date());
    }

    @Test
    void whenSignedInThenEachAppsAccessesAreShownInPlainLanguageNewestFirst() {
        signIn("it-alice", "it-alice-password");
        Document page = page(accessLog(null));

        assertThat(page.select("h1").eachText()).containsExactly("Who has seen my record");
        assertThat(page.selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(page.select("#patient-selector")).as("Alice acts for herself only").isEmpty();
        assertThat(page.select("a[href=/account/apps]")).isNotEmpty();

        Element app = group(page, "it-public");
        assertThat(app.selectFirst("h2").text()).isEqualTo("IT public app");
        assertThat(app.select("thead th[scope=col]").eachText()).containsExactly("When", "What happened", "Who was signed in", "Outcome");
        List<Element> rows = app.select("tbody tr");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).selectFirst("td.what").text()).isEqualTo("Was refused access to your medications and prescriptions");
        assertThat(rows.get(0).selectFirst("td.outcome").text()).isEqualTo("Refused");
        assertThat(rows.get(0).selectFirst("td.who").text()).isEqualTo("You");
        assertThat(rows.get(0).selectFirst("time").attr("datetime")).isEqualTo("2026-11-27T05:10:00.512Z");
        assertThat(rows.get(1).selectFirst("td.what").text()).isEqualTo("Searched your lab results and vital signs (3 found)");
        assertThat(rows.get(1).selectFirst("td.outcome").text()).isEqualTo("Allowed");
        assertThat(rows.get(2).selectFirst("td.what").text()).startsWith("Read your personal details");
        assertThat(rows.get(2).selectFirst("td.who").text()).isEqualTo("Someone else signed in to the app");

        assertThat(group(page, "portico-portal").selectFirst("h2").text()).isEqualTo("You (Portico portal)");
        Element gone = group(page, "gone-app");
        assertThat(gone.selectFirst("h2").text()).contains("gone-app").contains("This app is no longer registered");
        assertThat(gone.selectFirst("td.who").text()).isEqualTo("The app itself, with no one signed in");
        assertThat(page.select("section.app-log h2").eachText().get(0)).as("apps in the order of their latest access")
                .startsWith("IT public app");
    }

    @Test
    void whenOnTheConnectedAppsPageThenItLinksToTheAccessLogAndBack() {
        signIn("it-alice", "it-alice-password");
        Document apps = page(browser.get(URI.create("/account/apps")));
        assertThat(apps.selectFirst("nav a#access-log-link").attr("href")).isEqualTo("/account/access-log");
        Document log = page(accessLog(null));
        assertThat(log.select("nav a[href=/account/apps]")).hasSize(1);
        assertThat(log.selectFirst("nav a[aria-current=page]").attr("href")).isEqualTo("/account/access-log");
    }

    @Test
    void whenUserAsksForAPatientTheyMayNotActForThenForbiddenAndNoFhirCall() {
        signIn("it-alice", "it-alice-password");
        HttpResponse<String> response = accessLog("patient=it-patient-bob");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Jsoup.parse(response.body()).selectFirst("#refused").text()).contains("cannot see the access log");
        assertThat(response.body()).doesNotContain("Exception", "at org.");
        assertThat(calls).isEmpty();
    }

    @Test
    void whenOlderLinkIsNotATimeThenBadRequestAndNoFhirCall() {
        signIn("it-alice", "it-alice-password");
        HttpResponse<String> response = accessLog("before=yesterday");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(calls).isEmpty();
    }

    @Test
    void whenUserActsForSeveralPatientsThenTheyChooseWhoseLogAndTheTokenNamesThatPatient() throws Exception {
        signIn("it-carol", "it-carol-password");
        Document own = page(accessLog(null));
        assertThat(own.select("#patient-selector select[name=patient] option").eachAttr("value"))
                .containsExactly("it-patient-carol", "it-patient-dave");
        assertThat(own.selectFirst("label[for=patient-choice]")).isNotNull();

        Document dave = page(accessLog("patient=it-patient-dave"));
        assertThat(dave.selectFirst("#log-patient").text()).contains("Dave Test");
        FhirStub.Call call = calls.get(calls.size() - 1);
        assertThat(call.query()).containsEntry("patient", "it-patient-dave");
        JWTClaimsSet claims = call.token().getJWTClaimsSet();
        assertThat(claims.getStringClaim("patient")).isEqualTo("it-patient-dave");
        assertThat(claims.getStringClaim("fhirUser")).as("still Carol's own record").endsWith("/Patient/it-patient-carol");
    }

    @Test
    void whenFhirServerAnswersAnErrorThenThePageSaysTheLogIsUnavailable() {
        FhirStub.status = 500;
        signIn("it-alice", "it-alice-password");
        Document page = page(accessLog(null));
        assertThat(page.selectFirst("#log-unavailable").text()).contains("cannot be shown right now");
        assertThat(page.select("section.app-log")).isEmpty();
        assertThat(calls).hasSize(1);
    }
}
