package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Registration, recovery and the staff desk in a real browser (headless Chromium): a patient registers
 * by online match with the code from a real SMTP exchange, then signs in; a password reset by link;
 * an invitation; the staff desk. Every page on the way (and its error states) has no WCAG 2.1 A/AA
 * violation that axe-core finds, in English and Spanish, with screenshots under {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountPagesBrowserIT extends AccountITSupport {

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

    @BeforeEach
    void signedOut() {
        driver.get(url("/login?lang=en"));
        driver.manage().deleteAllCookies();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    void type(String id, String text) {
        var field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
        if ("date".equals(field.getAttribute("type"))) {
            // a date field's keyboard format follows the browser's locale; set the ISO value it submits
            ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1]", field, text);
        } else {
            field.clear();
            field.sendKeys(text);
        }
    }

    void submit(String formId) {
        driver.findElement(By.cssSelector("#" + formId + " button[type=submit]")).click();
    }

    void check(String page, String language, Map<String, List<String>> violations) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).as(page + " lang").isEqualTo(language);
        violations.put(page, BrowserSupport.violations(driver));
        BrowserSupport.screenshot(driver, page + "-" + language);
    }

    static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "es"})
    void whenAPatientRegistersAndRecoversInTheBrowserThenEveryPageIsAccessible(String language) throws Exception {
        Map<String, List<String>> violations = new LinkedHashMap<>();
        TestPatients.Person p = TestPatients.person(true, true).stored();

        driver.get(url("/login?lang=" + language));
        driver.findElement(By.id("register-link")).click();
        check("register", language, violations);

        type("code", "AAAA-BBBB-CCCC");
        type("code-birth-date", p.birthDate());
        submit("code-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code-error")));
        check("register-code-failed", language, violations);

        type("given", p.given());
        type("family", p.family());
        type("match-birth-date", p.birthDate());
        driver.findElement(By.id("factor-phone")).click();
        type("value", p.phone().substring(p.phone().length() - 4));
        submit("match-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("verify-form")));
        check("register-verify", language, violations);
        String code = RegistrationIT.codeIn(TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));

        type("otp", code.equals("000000") ? "111111" : "000000");
        submit("verify-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("verify-error")));
        check("register-verify-failed", language, violations);

        type("otp", code);
        submit("verify-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("account-form")));
        check("register-account", language, violations);

        String username = "browser-" + p.id();
        type("new-username", username);
        type("new-password", "short");
        submit("account-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("password-error")));
        check("register-account-errors", language, violations);

        type("new-password", "a browser passphrase");
        submit("account-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("registered")));
        check("login-registered", language, violations);
        type("username", username);
        type("password", "a browser passphrase");
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        assertThat(driver.getCurrentUrl()).doesNotContain("error");

        // password reset by link
        driver.manage().deleteAllCookies();
        TestMail.reset();
        driver.get(url("/login?lang=" + language));
        driver.findElement(By.id("forgot-link")).click();
        check("recover", language, violations);
        type("account", username);
        submit("reset-request-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reset-sent")));
        check("recover-sent", language, violations);
        String link = find(Pattern.compile("http://localhost:9000(/recover/reset\\?token=[A-Za-z0-9_-]+)"),
                TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));
        driver.get(url(link));
        check("recover-reset", language, violations);
        type("new-password", "another browser passphrase");
        submit("reset-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("password-reset")));
        driver.get(url(link));
        check("recover-link-used", language, violations);

        driver.get(url("/recover/mfa"));
        check("recover-mfa", language, violations);

        // an invitation to another patient
        TestPatients.Person invited = TestPatients.person(true, false).stored();
        TestMail.reset();
        HttpResponse<String> sent = staffApi("POST", "/staff/api/patients/" + invited.id() + "/invitations?channel=email&lang=" + language);
        assertThat(sent.statusCode()).isEqualTo(201);
        String invitation = find(Pattern.compile("http://localhost:9000(/register/invite\\?token=[^\\s]+)"),
                TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));
        driver.manage().deleteAllCookies();
        driver.get(url(invitation));
        check("register-invite", language, violations);

        // the staff desk
        driver.manage().deleteAllCookies();
        driver.get(url("/login?lang=" + language));
        type("username", STAFF);
        type("password", STAFF_PASSWORD);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        // the sign-in must have answered before the next page is asked for
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        driver.get(url("/staff?family=" + invited.family()));
        check("staff-search", language, violations);
        driver.findElement(By.cssSelector("#results a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issue-form")));
        submit("issue-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issued-code")));
        check("staff-patient", language, violations);

        assertThat(violations).as("pages checked").hasSize(15);
        assertThat(violations).allSatisfy((page, found) -> assertThat(found).as(page).isEmpty());
    }
}
