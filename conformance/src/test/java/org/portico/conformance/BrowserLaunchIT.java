package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A SMART app written by someone else: a page built on the {@code fhirclient} JavaScript library
 * (vendored under {@code fhirclient-app/}, Apache-2.0), served from a loopback origin other than the
 * servers', completes a standalone launch with PKCE in headless Chromium (Debian's
 * {@code chromium} and {@code chromedriver}), then reads the patient and searches their Observations
 * through CORS, exactly as a browser app does.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserLaunchIT {

    private static final String APP = "fhirclient-app/";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Deployment deployment;
    private HttpServer app;
    private WebDriver browser;

    BrowserLaunchIT(Deployment deployment) {
        this.deployment = deployment;
    }

    @BeforeAll
    void startAppAndBrowser() throws IOException {
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            try (InputStream in = BrowserLaunchIT.class.getClassLoader().getResourceAsStream(APP + name)) {
                if (name.isEmpty() || name.contains("..") || in == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = in.readAllBytes();
                exchange.getResponseHeaders().set("Content-Type",
                        name.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                exchange.close();
            }
        });
        app.start();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("PORTICO_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync");
        if (deployment.selfSignedCertificate()) {
            // the local deployment's certificate is made for the run; only this browser is told to accept it
            options.addArguments("--ignore-certificate-errors");
            options.setAcceptInsecureCerts(true);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("PORTICO_CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.stop(0);
        }
    }

    @Test
    void fhirclientAppCompletesStandaloneLaunchAndReadsOnlyItsPatient() {
        ClientRegistration client = deployment.demo().publicClient();
        Credentials user = deployment.demo().user(0);
        String launchUrl = "http://127.0.0.1:" + app.getAddress().getPort() + "/index.html"
                + "?iss=" + encode(deployment.fhirBase().toString())
                + "&client_id=" + encode(client.clientId())
                + "&scope=" + encode("launch/patient openid fhirUser offline_access patient/Patient.rs patient/Observation.rs");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        browser.get(launchUrl);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.name("username"))).sendKeys(user.username());
        browser.findElement(By.name("password")).sendKeys(user.password());
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("approve"))).click();
        wait.until(d -> d.getCurrentUrl().startsWith("http://127.0.0.1:" + app.getAddress().getPort())
                && !text(d, "status").isEmpty()
                && (text(d, "status").equals("done") || text(d, "status").equals("error")));

        assertThat(text(browser, "status")).as("app status; error: " + text(browser, "error")).isEqualTo("done");
        assertThat(text(browser, "patient-id")).isNotBlank();
        assertThat(text(browser, "patient-name")).isNotBlank();
        assertThat(Integer.parseInt(text(browser, "observation-count"))).isPositive();
        assertThat(text(browser, "observations-own")).isEqualTo("true");
        assertThat(text(browser, "scope")).contains("patient/Observation.rs");
    }

    private static String text(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String executable(String variable, String fallback) {
        String configured = System.getenv(variable);
        String path = configured == null || configured.isBlank() ? fallback : configured;
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " not found: install Debian's chromium and chromium-driver "
                    + "(bin/test does) or set " + variable);
        }
        return path;
    }
}
