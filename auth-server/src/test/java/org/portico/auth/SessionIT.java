package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.session.SecurityHeaders;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sessions in PostgreSQL: sign out everywhere ends every session of the user (and no one else's), the idle
 * and absolute timeouts, the session cookie's attributes, and the security headers on pages and endpoints.
 */
// its own settings make it a context of its own: closed after the class, so the IT run's cached contexts
// do not hold more PostgreSQL connections than the server allows
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionIT {

    static final String PASSWORD = "a long enough password for tests";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> "http://fhir.test/fhir");
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        // a short idle timeout so that a test can wait it out; the absolute one is moved past with the clock
        registry.add("portico.auth.accounts.session.idle-timeout", () -> "3s");
        registry.add("portico.auth.accounts.session.absolute-timeout", () -> "12h");
    }

    @TestConfiguration
    static class Fixtures {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    JdbcClient jdbc;

    UserAccount user;

    @BeforeEach
    void newUser() {
        clock.set(Instant.now());
        String name = "session-" + UUID.randomUUID().toString().substring(0, 8);
        user = users.create(name, encoder.encode(PASSWORD), "it-patient-" + name, "Session Tester");
    }

    SmartTestClient signedIn(String username) {
        return signedIn(username, PASSWORD);
    }

    SmartTestClient signedIn(String username, String password) {
        SmartTestClient browser = new SmartTestClient(port);
        HttpResponse<String> login = browser.login(username, password);
        assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        return browser;
    }

    static boolean onPage(HttpResponse<String> response) {
        return response.statusCode() == 200;
    }

    static boolean sentToLogin(HttpResponse<String> response) {
        return response.statusCode() == 302 && response.headers().firstValue("Location").orElseThrow().contains("/login");
    }

    @Test
    void whenSignOutEverywhereThenEverySessionOfTheUserEndsAndNoOneElses() {
        SmartTestClient laptop = signedIn(user.username());
        SmartTestClient phone = signedIn(user.username());
        SmartTestClient someoneElse = signedIn("it-bob", "it-bob-password");
        assertThat(onPage(phone.get(URI.create("/account/apps")))).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM spring_session WHERE principal_name = ?").param(user.username())
                .query(Integer.class).single()).isEqualTo(2);

        HttpResponse<String> page = laptop.get(URI.create("/account/security"));
        Element form = Jsoup.parse(page.body()).selectFirst("form#sign-out-everywhere-form");
        assertThat(form).isNotNull();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(i -> fields.computeIfAbsent(i.attr("name"), k -> new ArrayList<>()).add(i.val()));
        HttpResponse<String> out = laptop.postForm(URI.create(form.attr("action")), fields, Map.of());
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/login?logout");

        assertThat(sentToLogin(phone.get(URI.create("/account/apps")))).isTrue();
        assertThat(sentToLogin(laptop.get(URI.create("/account/apps")))).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM spring_session WHERE principal_name = ?").param(user.username())
                .query(Integer.class).single()).isZero();
        assertThat(onPage(someoneElse.get(URI.create("/account/apps")))).isTrue();
    }

    @Test
    void whenSignOutEverywhereWithoutCsrfTokenThenRefused() {
        SmartTestClient laptop = signedIn(user.username());
        HttpResponse<String> forged = laptop.postForm(URI.create("/account/security/sign-out-everywhere"), Map.of(), Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(onPage(laptop.get(URI.create("/account/apps")))).isTrue();
    }

    @Test
    void whenIdleLongerThanTheIdleTimeoutThenSignedOut() throws InterruptedException {
        SmartTestClient browser = signedIn(user.username());
        assertThat(onPage(browser.get(URI.create("/account/apps")))).isTrue();
        Thread.sleep(3_500);
        assertThat(sentToLogin(browser.get(URI.create("/account/apps")))).isTrue();
    }

    @Test
    void whenBusyPastTheAbsoluteTimeoutThenSignedOutAllTheSame() {
        SmartTestClient browser = signedIn(user.username());
        assertThat(onPage(browser.get(URI.create("/account/apps")))).isTrue();
        clock.advance(Duration.ofHours(11));
        assertThat(onPage(browser.get(URI.create("/account/apps")))).isTrue();
        clock.advance(Duration.ofMinutes(61));
        HttpResponse<String> expired = browser.get(URI.create("/account/apps"));
        assertThat(expired.headers().firstValue("Location").orElseThrow()).endsWith("/login?expired");
        assertThat(sentToLogin(browser.get(URI.create("/account/apps")))).isTrue();
        HttpResponse<String> login = browser.get(URI.create("/login?expired"));
        assertThat(Jsoup.parse(login.body()).selectFirst("#session-expired[role=status]")).isNotNull();
    }

    @Test
    void whenSignedInThenTheSessionCookieIsHttpOnlyAndSameSiteLaxAndNotSecureOnPlainHttp() {
        SmartTestClient browser = new SmartTestClient(port);
        browser.get(URI.create("/login"));
        HttpResponse<String> login = browser.login(user.username(), PASSWORD);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
    }

    @Test
    void whenAnyPageOrEndpointThenSecurityHeaders() {
        SmartTestClient browser = signedIn(user.username());
        for (String path : List.of("/login", "/account/security", "/account/apps", "/oauth2/jwks")) {
            HttpResponse<String> response = path.startsWith("/login") ? new SmartTestClient(port).get(URI.create(path)) : browser.get(URI.create(path));
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            // HSTS only on TLS
            assertThat(response.headers().firstValue("Strict-Transport-Security")).as(path).isEmpty();
        }
        assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
    }
}
