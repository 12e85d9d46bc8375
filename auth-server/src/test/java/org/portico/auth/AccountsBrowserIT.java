package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.mfa.Base32;
import org.portico.auth.mfa.Totp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Second factors in a real browser (headless Chromium): a patient turns on an authenticator app, signs in
 * with a TOTP code and approves an app; another registers a passkey with Chromium's virtual authenticator
 * and signs in with it alone; both sign out. The MFA pages pass axe-core's WCAG 2.1 A/AA rules in English
 * and Spanish (screenshots in {@code target/screenshots/}). The server listens on a fixed port so that the
 * page's origin is the issuer's, which WebAuthn requires.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsBrowserIT {

    static final int PORT = freePort();
    static final String ORIGIN = "http://localhost:" + PORT;
    static final String PASSWORD = "a long enough password for tests";
    static final String CLIENT = "it-public";
    static final String REDIRECT = "https://app.example.org/callback";
    static final String SCOPE = "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> ORIGIN);
        registry.add("portico.auth.fhir-base-url", () -> "http://fhir.test/fhir");
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        registry.add("portico.auth.fhir-internal-url", FhirStub::baseUrl);
        registry.add("portico.auth.accounts.mfa-required-for-clinical-data", () -> "true");
    }

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    ChromeDriver driver;
    WebDriverWait wait;

    @BeforeAll
    void startBrowser() {
        driver = BrowserSupport.start();
        wait = new WebDriverWait(driver, BrowserSupport.WAIT);
    }

    @AfterAll
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String newPatient() {
        String username = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        users.create(username, encoder.encode(PASSWORD), "it-patient-alice", "Alice Test");
        return username;
    }

    private String authorizeUrl(String state) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLIENT);
        params.put("redirect_uri", REDIRECT);
        params.put("scope", SCOPE);
        params.put("state", state);
        params.put("aud", "http://fhir.test/fhir");
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        return ORIGIN + "/oauth2/authorize?" + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private void signInWithPassword(String username) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    private void signOut() {
        driver.get(ORIGIN + "/account/apps");
        driver.findElement(By.cssSelector("#logout-form button")).click();
        wait.until(d -> d.getCurrentUrl().contains("/login"));
        driver.manage().deleteAllCookies();
    }

    /** axe on the page as it is now, in Spanish then English (re-rendered with ?lang=), with screenshots. */
    private void checkBothLanguages(String page, Map<String, List<String>> violations) {
        for (String language : List.of("es", "en")) {
            String url = driver.getCurrentUrl();
            url = url.replaceAll("([?&])lang=[a-z]+&?", "$1");
            driver.get(url + (url.contains("?") ? (url.endsWith("?") || url.endsWith("&") ? "" : "&") : "?") + "lang=" + language);
            assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).as(page).isEqualTo(language);
            violations.put(page + "-" + language, BrowserSupport.violations(driver));
            BrowserSupport.screenshot(driver, page + "-" + language);
        }
    }

    @Test
    void whenAPatientTurnsOnAnAuthenticatorAppThenSignInAsksForItsCodeAndTheAppIsApproved() {
        Map<String, List<String>> violations = new LinkedHashMap<>();
        String username = newPatient();
        driver.manage().deleteAllCookies();

        // an app asks for clinical data: without a second factor the patient is asked to set one up first
        driver.get(authorizeUrl("totp-1"));
        signInWithPassword(username);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("totp-form")));
        assertThat(driver.findElements(By.id("mfa-required"))).hasSize(1);
        checkBothLanguages("totp-enrol", violations);
        byte[] secret = Base32.decode(driver.findElement(By.id("totp-secret")).getText().replace(" ", ""));
        driver.findElement(By.id("code")).sendKeys(Totp.code(secret, Totp.step(Instant.now()), Totp.DIGITS));
        driver.findElement(By.cssSelector("#totp-form button[type=submit]")).click();

        // recovery codes are shown once
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
        checkBothLanguages("recovery-codes", violations);
        driver.get(ORIGIN + "/account/security");
        assertThat(driver.findElements(By.id("totp-on"))).hasSize(1);
        checkBothLanguages("account-security", violations);
        signOut();

        // next time: password, then the code, then consent
        driver.get(authorizeUrl("totp-2"));
        signInWithPassword(username);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("mfa-form")));
        checkBothLanguages("login-mfa", violations);
        // a code of the next step: the one used at enrolment counts once
        driver.findElement(By.id("code")).sendKeys(Totp.code(secret, Totp.step(Instant.now()) + 1, Totp.DIGITS));
        driver.findElement(By.cssSelector("#mfa-form button[type=submit]")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("approve"))).click();
        wait.until(d -> d.getCurrentUrl().startsWith(REDIRECT));
        assertThat(driver.getCurrentUrl()).contains("code=").contains("state=totp-2");

        assertThat(violations).allSatisfy((page, found) -> assertThat(found).as(page).isEmpty());
    }

    @Test
    void whenAPatientRegistersAPasskeyThenThePasskeyAloneSignsThemIn() {
        VirtualAuthenticator authenticator = ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(
                new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                        .setHasResidentKey(true)
                        .setHasUserVerification(true)
                        .setIsUserVerified(true));
        try {
            String username = newPatient();
            driver.manage().deleteAllCookies();
            driver.get(ORIGIN + "/login");
            signInWithPassword(username);
            driver.get(ORIGIN + "/account/security");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-register-form")));
            driver.findElement(By.id("passkey-label")).sendKeys("Test laptop");
            driver.findElement(By.cssSelector("#passkey-register-form button[type=submit]")).click();
            // registering the account's first second factor completes this session's second step, as TOTP enrolment does
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("passkeys")));
            assertThat(driver.findElement(By.id("passkeys")).getText()).contains("Test laptop");
            assertThat(authenticator.getCredentials()).hasSize(1);
            signOut();

            // the passkey alone: no password, no code, straight to consent
            driver.get(authorizeUrl("passkey-1"));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("passkey-signin-button"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("approve"))).click();
            wait.until(d -> d.getCurrentUrl().startsWith(REDIRECT));
            assertThat(driver.getCurrentUrl()).contains("code=").contains("state=passkey-1");

            // signed out, the account pages ask for a sign-in again
            signOut();
            driver.get(ORIGIN + "/account/apps");
            wait.until(d -> d.getCurrentUrl().contains("/login"));
        } finally {
            ((HasVirtualAuthenticator) driver).removeVirtualAuthenticator(authenticator);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
