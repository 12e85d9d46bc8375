package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.mfa.Base32;
import org.portico.auth.mfa.SecondFactors;
import org.portico.auth.mfa.Totp;
import org.portico.auth.notify.AccountNotice;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * TOTP and recovery codes over HTTP against PostgreSQL: enrolment on the security page, the second step
 * after the password (nothing else reachable before it), codes counted once, remembered devices, MFA
 * before the first authorization that grants clinical data, and the MFA reset after re-proofing.
 */
// its own settings make it a context of its own: closed after the class, so the IT run's cached contexts
// do not hold more PostgreSQL connections than the server allows
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MfaIT {

    static final String PASSWORD = "a long enough password for tests";
    static final String PUBLIC_CLIENT = "it-public";
    static final String REDIRECT = "https://app.example.org/callback";
    static final String FHIR_BASE = "http://fhir.test/fhir";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        // the subject of these tests (src/test/resources/config/application.yml turns it off for the others)
        registry.add("portico.auth.accounts.mfa-required-for-clinical-data", () -> "true");
        registry.add("portico.auth.accounts.mfa.remember-device", () -> "30d");
    }

    @TestConfiguration
    static class Fixtures {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }

        @Bean
        Notices notices() {
            return new Notices();
        }
    }

    static final class Notices {
        final List<AccountNotice> published = new CopyOnWriteArrayList<>();

        @EventListener
        void on(AccountNotice notice) {
            published.add(notice);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Notices notices;

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    SecondFactors factors;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationEventPublisher events;

    UserAccount user;
    SmartTestClient browser;

    @BeforeEach
    void newUser() {
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        notices.published.clear();
        String name = "mfa-" + UUID.randomUUID().toString().substring(0, 8);
        user = users.create(name, encoder.encode(PASSWORD), "it-patient-" + name, "MFA Tester");
        browser = new SmartTestClient(port);
    }

    @AfterEach
    void leaveNoLockout() {
        jdbc.sql("DELETE FROM login_throttle").update();
    }

    // ---- helpers ----

    URI authorizeUri(String scope) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", PUBLIC_CLIENT);
        params.put("redirect_uri", REDIRECT);
        params.put("scope", scope);
        params.put("state", "s-" + UUID.randomUUID());
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", SmartTestClient.Pkce.create().challenge());
        params.put("code_challenge_method", "S256");
        return browser.authorizeUri(params);
    }

    static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** Follows redirects until a page (200/4xx) or a redirect away from the server. */
    HttpResponse<String> follow(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int i = 0; i < 8 && current.statusCode() == 302; i++) {
            URI next = browser.base.resolve(location(current));
            if (!next.getAuthority().equals(browser.base.getAuthority())) {
                return current;
            }
            current = browser.get(next);
        }
        return current;
    }

    HttpResponse<String> submit(HttpResponse<String> page, String formId, String... fields) {
        Document doc = Jsoup.parse(page.body());
        Element form = doc.selectFirst("form#" + formId);
        assertThat(form).as("form " + formId).isNotNull();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Element input : form.select("input[type=hidden]")) {
            values.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        for (int i = 0; i < fields.length; i += 2) {
            values.put(fields[i], List.of(fields[i + 1]));
        }
        return browser.postForm(URI.create(form.attr("action")), values, Map.of());
    }

    /** Enrols TOTP through the pages (signed in already); returns the secret and leaves the recovery codes page. */
    byte[] enrolTotp(List<String> recoveryCodes) {
        HttpResponse<String> page = browser.get(URI.create("/account/security/totp"));
        assertThat(page.statusCode()).isEqualTo(200);
        Document doc = Jsoup.parse(page.body());
        assertThat(doc.selectFirst(".qr svg")).isNotNull();
        byte[] secret = Base32.decode(doc.selectFirst("#totp-secret").text());
        HttpResponse<String> codes = submit(page, "totp-form", "code", Totp.code(secret, Totp.step(clock.instant()), 6));
        assertThat(codes.statusCode()).isEqualTo(200);
        Document codesPage = Jsoup.parse(codes.body());
        recoveryCodes.addAll(codesPage.select("#recovery-codes code").eachText());
        assertThat(recoveryCodes).hasSize(10);
        lastPage = codes;
        return secret;
    }

    HttpResponse<String> lastPage;

    String code(byte[] secret) {
        return Totp.code(secret, Totp.step(clock.instant()), 6);
    }

    // ---- tests ----

    @Test
    void whenEnrolledThenThePasswordAloneReachesOnlyTheSecondStepAndACodeCompletesTheAuthorization() {
        assertThat(follow(browser.login(user.username(), PASSWORD)).statusCode()).isIn(200, 404);
        byte[] secret = enrolTotp(new ArrayList<>());
        assertThat(notices.published).extracting(AccountNotice::kind).containsExactly(AccountNotice.Kind.MFA_CHANGED);
        // the enrolment used this step's code
        clock.advance(Duration.ofSeconds(30));

        SmartTestClient other = browser = new SmartTestClient(port);
        other.get(authorizeUri("openid launch/patient patient/Observation.rs"));
        HttpResponse<String> afterPassword = other.login(user.username(), PASSWORD);
        // the login form sends back to the authorization request, which sends to the second step
        HttpResponse<String> resumed = other.get(browser.base.resolve(location(afterPassword)));
        assertThat(location(resumed)).endsWith("/login/mfa");
        // nothing else is reachable with the password alone
        assertThat(location(other.get(URI.create("/account/apps")))).endsWith("/login/mfa");
        assertThat(location(other.get(URI.create("/account/security")))).endsWith("/login/mfa");

        // (each of those was saved as where to go next, as Spring does at the login page): ask again
        assertThat(location(other.get(authorizeUri("openid launch/patient patient/Observation.rs")))).endsWith("/login/mfa");
        HttpResponse<String> mfaPage = other.get(URI.create("/login/mfa"));
        assertThat(mfaPage.statusCode()).isEqualTo(200);
        Document mfaDoc = Jsoup.parse(mfaPage.body());
        assertThat(mfaDoc.selectFirst("input#code").attr("autocomplete")).isEqualTo("one-time-code");
        assertThat(mfaDoc.selectFirst("label[for=code]")).isNotNull();

        HttpResponse<String> wrong = submit(mfaPage, "mfa-form", "code", "000000".equals(code(secret)) ? "111111" : "000000");
        assertThat(wrong.statusCode()).isEqualTo(422);
        Document wrongDoc = Jsoup.parse(wrong.body());
        assertThat(wrongDoc.selectFirst("#mfa-error[role=alert]")).isNotNull();
        assertThat(wrongDoc.selectFirst("input#code").attr("aria-describedby")).contains("mfa-error");

        HttpResponse<String> right = submit(mfaPage, "mfa-form", "code", code(secret));
        assertThat(location(right)).contains("/oauth2/authorize");
        HttpResponse<String> consent = follow(right);
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
        assertThat(other.get(URI.create("/account/security")).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheSameCodeIsTypedTwiceThenTheSecondTimeIsRefusedAndTheNextStepsCodeWorks() {
        browser.login(user.username(), PASSWORD);
        byte[] secret = enrolTotp(new ArrayList<>());
        // the enrolment code's step is used: its code cannot sign in
        SmartTestClient second = browser = new SmartTestClient(port);
        second.login(user.username(), PASSWORD);
        HttpResponse<String> page = second.get(URI.create("/login/mfa"));
        assertThat(submit(page, "mfa-form", "code", code(secret)).statusCode()).isEqualTo(422);

        clock.advance(Duration.ofSeconds(30));
        String next = code(secret);
        assertThat(location(submit(page, "mfa-form", "code", next))).doesNotContain("/login");

        SmartTestClient third = browser = new SmartTestClient(port);
        third.login(user.username(), PASSWORD);
        HttpResponse<String> again = third.get(URI.create("/login/mfa"));
        assertThat(submit(again, "mfa-form", "code", next).statusCode()).isEqualTo(422);
    }

    @Test
    void whenARecoveryCodeIsUsedThenItSignsInOnceOnly() {
        browser.login(user.username(), PASSWORD);
        List<String> codes = new ArrayList<>();
        enrolTotp(codes);
        SmartTestClient second = browser = new SmartTestClient(port);
        second.login(user.username(), PASSWORD);
        HttpResponse<String> page = second.get(URI.create("/login/mfa"));
        // typed in capitals with a space for the hyphen: still the code
        String typed = codes.get(3).toUpperCase(Locale.ROOT).replace('-', ' ');
        assertThat(location(submit(page, "mfa-form", "code", typed))).doesNotContain("/login");
        assertThat(factors.recoveryCodesLeft(user.id())).isEqualTo(9);

        SmartTestClient third = browser = new SmartTestClient(port);
        third.login(user.username(), PASSWORD);
        HttpResponse<String> again = third.get(URI.create("/login/mfa"));
        assertThat(submit(again, "mfa-form", "code", codes.get(3)).statusCode()).isEqualTo(422);
    }

    @Test
    void whenDeviceRememberedThenThePasswordIsEnoughOnThatBrowserUntilRevokedOrExpired() {
        browser.login(user.username(), PASSWORD);
        byte[] secret = enrolTotp(new ArrayList<>());
        clock.advance(Duration.ofSeconds(30));

        SmartTestClient phone = browser = new SmartTestClient(port);
        phone.login(user.username(), PASSWORD);
        HttpResponse<String> page = phone.get(URI.create("/login/mfa"));
        HttpResponse<String> remembered = submit(page, "mfa-form", "code", code(secret), "remember", "true");
        String cookie = remembered.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("portico_device=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Max-Age=2592000");
        assertThat(jdbc.sql("SELECT token_hash FROM mfa_remembered_devices WHERE user_id = ?").param(user.id())
                .query(String.class).single()).doesNotContain(cookie.substring("portico_device=".length(), cookie.indexOf(';')));

        // signing in again on the same browser (a new password-only authentication): the password is enough
        SmartTestClient samePhone = phone;
        samePhone.login(user.username(), PASSWORD);
        assertThat(samePhone.get(URI.create("/account/security")).statusCode()).isEqualTo(200);

        // listed on the security page, and revocable there
        HttpResponse<String> security = samePhone.get(URI.create("/account/security"));
        Document doc = Jsoup.parse(security.body());
        Element revoke = doc.selectFirst("#devices form");
        assertThat(revoke).isNotNull();
        Map<String, List<String>> hidden = new LinkedHashMap<>();
        revoke.select("input[type=hidden]").forEach(i -> hidden.put(i.attr("name"), List.of(i.val())));
        assertThat(location(samePhone.postForm(URI.create(revoke.attr("action")), hidden, Map.of()))).endsWith("/account/security");
        assertThat(jdbc.sql("SELECT count(*) FROM mfa_remembered_devices WHERE user_id = ?").param(user.id()).query(Integer.class).single()).isZero();
    }

    @Test
    void whenRememberedDeviceExpiresThenTheCodeIsAskedAgain() {
        browser.login(user.username(), PASSWORD);
        byte[] secret = enrolTotp(new ArrayList<>());
        clock.advance(Duration.ofSeconds(30));
        SmartTestClient phone = browser = new SmartTestClient(port);
        phone.login(user.username(), PASSWORD);
        submit(phone.get(URI.create("/login/mfa")), "mfa-form", "code", code(secret), "remember", "true");

        clock.advance(Duration.ofDays(31));
        SmartTestClient later = phone;
        // the old session is long past its absolute timeout too
        assertThat(location(later.get(URI.create("/account/security")))).endsWith("/login?expired");
        later.login(user.username(), PASSWORD);
        assertThat(location(later.get(URI.create("/account/security")))).endsWith("/login/mfa");
    }

    @Test
    void whenNoSecondFactorThenClinicalDataWaitsForEnrolmentButIdentityAloneDoesNot() {
        // identity only: straight to consent
        browser.get(authorizeUri("openid fhirUser"));
        HttpResponse<String> identity = follow(browser.login(user.username(), PASSWORD));
        assertThat(identity.uri().getPath()).isEqualTo("/oauth2/consent");

        // clinical data: enrol first, then the same authorization request goes on
        SmartTestClient patient = browser = new SmartTestClient(port);
        patient.get(authorizeUri("openid launch/patient patient/Observation.rs"));
        HttpResponse<String> enrol = follow(patient.login(user.username(), PASSWORD));
        assertThat(enrol.uri().getPath()).isEqualTo("/account/security/totp");
        assertThat(Jsoup.parse(enrol.body()).selectFirst("#mfa-required")).isNotNull();

        enrolTotp(new ArrayList<>());
        String next = Jsoup.parse(lastPage.body()).selectFirst("a#continue").attr("href");
        assertThat(next).contains("/oauth2/authorize");
        HttpResponse<String> consent = follow(patient.get(browser.base.resolve(next)));
        assertThat(consent.uri().getPath()).isEqualTo("/oauth2/consent");
    }

    @Test
    void whenTheAccountHolderIsReProofedThenEverySecondFactorGoes() {
        browser.login(user.username(), PASSWORD);
        enrolTotp(new ArrayList<>());
        notices.published.clear();
        events.publishEvent(new AccountEvents.MfaResetProofed(user.id(), "activation-code"));
        assertThat(factors.hasAny(user.id())).isFalse();
        assertThat(factors.recoveryCodesLeft(user.id())).isZero();
        assertThat(notices.published).extracting(AccountNotice::kind).containsExactly(AccountNotice.Kind.MFA_CHANGED);
        SmartTestClient again = browser = new SmartTestClient(port);
        again.login(user.username(), PASSWORD);
        assertThat(again.get(URI.create("/account/security")).statusCode()).isEqualTo(200);
    }

    @Test
    void whenCodesAreGuessedThenTheAccountLocksLikeForPasswords() {
        browser.login(user.username(), PASSWORD);
        byte[] secret = enrolTotp(new ArrayList<>());
        clock.advance(Duration.ofSeconds(30));
        SmartTestClient guesser = browser = new SmartTestClient(port);
        guesser.login(user.username(), PASSWORD);
        HttpResponse<String> page = guesser.get(URI.create("/login/mfa"));
        String right = code(secret);
        String wrong = right.equals("123456") ? "654321" : "123456";
        for (int i = 0; i < 6; i++) {
            assertThat(submit(page, "mfa-form", "code", wrong).statusCode()).isEqualTo(422);
        }
        HttpResponse<String> locked = submit(page, "mfa-form", "code", right);
        assertThat(locked.statusCode()).isEqualTo(422);
        assertThat(Jsoup.parse(locked.body()).selectFirst("#mfa-error").text()).contains("Too many");
        assertThat(notices.published).extracting(AccountNotice::kind).contains(AccountNotice.Kind.ACCOUNT_LOCKED);
    }
}
