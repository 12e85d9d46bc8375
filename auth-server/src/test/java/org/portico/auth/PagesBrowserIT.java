package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.queryOf;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.portico.smart.discovery.AuthEndpoints;

/**
 * The patient's pages in a real browser (headless Chromium): every page has no WCAG 2.1 A/AA violation
 * that axe-core finds, in English and in Spanish, with a screenshot of each under
 * {@code target/screenshots/}; login and consent work with the keyboard alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesBrowserIT extends LaunchITSupport {

    static final String SCOPE = "openid fhirUser launch/patient offline_access patient/Patient.rs patient/Observation.rs patient/Condition.rs";

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
    void signedOutInEnglish() {
        driver.get(url("/login?lang=en"));
        driver.manage().deleteAllCookies();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    String authorize(String state, SmartTestClient.Pkce pkce) {
        return browser.authorizeUri(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, state, pkce)).toString();
    }

    void signInOnThePage(String username, String password) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "es"})
    void whenEveryPageIsCheckedWithAxeThenNoWcag21AaViolationInEitherLanguage(String language) {
        Map<String, List<String>> violations = new LinkedHashMap<>();

        driver.get(url("/login?lang=" + language));
        check("login", language, violations);

        driver.get(url("/login?error&lang=" + language));
        check("login-failed", language, violations);

        // the page an app's bad request ends on (an unknown app)
        driver.get(url("/oauth2/authorize?response_type=code&client_id=no-such-app&redirect_uri=https%3A%2F%2Fx.example%2Fcb&state=s"));
        check("error", language, violations);

        // consent, then the account pages in the same session
        driver.get(authorize("axe-" + language, SmartTestClient.Pkce.create()));
        signInOnThePage("it-alice", "it-alice-password");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent-form")));
        check("consent", language, violations);

        driver.get(url(AuthEndpoints.MANAGEMENT_PATH));
        check("connected-apps", language, violations);

        driver.get(url("/account/access-log"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
        check("access-log", language, violations);

        driver.get(url(AuthEndpoints.EHR_LAUNCH_PATH));
        check("launch", language, violations);

        driver.get(url("/account/proxies"));
        check("proxies", language, violations);

        // the patient picker: a user who manages another person's record, in a new session
        driver.manage().deleteAllCookies();
        driver.get(url("/login?lang=" + language));
        driver.get(authorize("axe-picker-" + language, SmartTestClient.Pkce.create()));
        signInOnThePage("it-carol", "it-carol-password");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("patient-picker")));
        check("patient-picker", language, violations);

        // the consent page for a record the user manages for someone else (ADR 0019)
        driver.findElement(By.cssSelector("#patient-picker input[value=it-patient-dave]")).click();
        driver.findElement(By.id("choose-patient")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent-on-behalf")));
        check("consent-proxy", language, violations);

        assertThat(violations).as("pages checked").hasSize(10);
        assertThat(violations).allSatisfy((page, found) -> assertThat(found).as(page).isEmpty());
    }

    @Test
    void whenAPageBreaksARuleThenTheCheckReportsIt() {
        // the check itself can fail: a field without a label and text without contrast on the login page
        driver.get(url("/login"));
        ((JavascriptExecutor) driver).executeScript("""
                const input = document.createElement('input'); input.type = 'text'; input.id = 'no-label';
                document.querySelector('main').appendChild(input);
                const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#eeeeee';
                document.querySelector('main').appendChild(p);""");
        assertThat(BrowserSupport.violations(driver))
                .anyMatch(v -> v.startsWith("label "))
                .anyMatch(v -> v.startsWith("color-contrast "));
    }

    private void check(String page, String language, Map<String, List<String>> violations) {
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).as(page + " lang").isEqualTo(language);
        violations.put(page, BrowserSupport.violations(driver));
        BrowserSupport.screenshot(driver, page + "-" + language);
    }

    @Test
    void whenOnlyTheKeyboardIsUsedThenThePatientSignsInUntiksACategoryAndApproves() throws Exception {
        SmartTestClient.Pkce pkce = SmartTestClient.Pkce.create();
        driver.get(authorize("keyboard-1", pkce));

        // the login page puts the cursor in the username field
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        assertThat(focused().getAttribute("id")).isEqualTo("username");
        focused().sendKeys("it-alice");
        focused().sendKeys(Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("password");
        focused().sendKeys("it-alice-password", Keys.ENTER);

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent-form")));
        String vitalSigns = driver.findElement(By.cssSelector("input[name=granular_scope][value$='|vital-signs']")).getAttribute("id");
        List<String> order = new ArrayList<>();
        boolean unticked = false;
        for (int presses = 0; presses < 80 && !"approve".equals(focused().getAttribute("id")); presses++) {
            focused().sendKeys(Keys.TAB);
            WebElement now = focused();
            order.add(describe(now));
            assertThat(now.isDisplayed()).as("focus on a visible element: " + describe(now)).isTrue();
            assertThat(outline(now)).as("a visible focus indicator on " + describe(now)).isNotEqualTo("none");
            if (vitalSigns.equals(now.getAttribute("id"))) {
                now.sendKeys(Keys.SPACE);
                unticked = true;
            }
        }
        assertThat(focused().getAttribute("id")).as("reached Approve by Tab: " + order).isEqualTo("approve");
        assertThat(unticked).as("reached the Vital Signs box by Tab: " + order).isTrue();
        // focus follows the page: the data choices come before Approve, Deny after it
        assertThat(order.indexOf(describe(driver.findElement(By.id(vitalSigns))))).isLessThan(order.size() - 1);

        focused().sendKeys(Keys.ENTER);
        wait.until(d -> d.getCurrentUrl().startsWith(PUBLIC_REDIRECT));
        Map<String, String> query = queryOf(URI.create(driver.getCurrentUrl()));
        assertThat(query).containsEntry("state", "keyboard-1");
        Map<String, Object> token = tokenJson(exchangePublic(query.get("code"), PUBLIC_REDIRECT, pkce.verifier()));
        assertThat((String) token.get("scope")).contains("patient/Condition.rs").doesNotContain("vital-signs")
                .contains("laboratory");
    }

    private WebElement focused() {
        return driver.switchTo().activeElement();
    }

    private String outline(WebElement element) {
        return (String) ((JavascriptExecutor) driver).executeScript("return getComputedStyle(arguments[0]).outlineStyle", element);
    }

    private static String describe(WebElement element) {
        String id = element.getAttribute("id");
        return element.getTagName() + (id == null || id.isEmpty() ? "[" + element.getText() + "]" : "#" + id);
    }
}
