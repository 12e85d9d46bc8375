package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The security notices the sign-in and consent flows publish for part B to deliver: a new browser, an app
 * authorized. (Lockout: LoginProtectionIT; MFA changes: MfaIT.) Recorded by a listener because they are
 * published on the server's threads, which @RecordApplicationEvents does not see.
 */
// its own settings make it a context of its own: closed after the class, so the IT run's cached contexts
// do not hold more PostgreSQL connections than the server allows
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountNoticesIT {

    static final String PASSWORD = "a long enough password for tests";
    static final String FHIR_BASE = "http://fhir.test/fhir";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> FHIR_BASE);
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
    }

    @TestConfiguration
    static class Fixtures {
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

        List<AccountNotice> of(String userId) {
            return published.stream().filter(n -> n.userId().equals(userId)).toList();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Notices notices;

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    UserAccount user;

    @BeforeEach
    void newUser() {
        String name = "notice-" + UUID.randomUUID().toString().substring(0, 8);
        user = users.create(name, encoder.encode(PASSWORD), "it-patient-" + name, "Notice Tester");
    }

    @Test
    void whenSignedInFromASecondBrowserThenNewDeviceButNotForTheFirstOrTheSameAgain() {
        SmartTestClient first = new SmartTestClient(port);
        first.login(user.username(), PASSWORD);
        assertThat(notices.of(user.id())).isEmpty();
        first.login(user.username(), PASSWORD);
        assertThat(notices.of(user.id())).isEmpty();

        SmartTestClient second = new SmartTestClient(port);
        second.login(user.username(), PASSWORD);
        assertThat(notices.of(user.id())).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(AccountNotice.Kind.NEW_DEVICE);
            assertThat(n.details()).containsKey("device");
        });
        // a wrong password from a third browser is no sign-in
        new SmartTestClient(port).login(user.username(), "not the password");
        assertThat(notices.of(user.id())).hasSize(1);
    }

    @Test
    void whenTheAccountHolderApprovesAnAppThenAppAuthorizedNamesIt() {
        SmartTestClient browser = new SmartTestClient(port);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", "it-public");
        params.put("redirect_uri", "https://app.example.org/callback");
        params.put("scope", "openid launch/patient patient/Observation.rs");
        params.put("state", "s1");
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", SmartTestClient.Pkce.create().challenge());
        params.put("code_challenge_method", "S256");
        browser.get(browser.authorizeUri(params));
        var consent = browser.followToConsent(browser.login(user.username(), PASSWORD));
        assertThat(notices.of(user.id())).isEmpty();

        HttpResponse<String> approved = browser.approve(consent, Set.of());
        assertThat(approved.headers().firstValue("Location").orElseThrow()).contains("code=");
        assertThat(notices.of(user.id())).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(AccountNotice.Kind.APP_AUTHORIZED);
            assertThat(n.details().get("app")).isNotBlank();
        });
    }

    @Test
    void whenTheAccountHolderDeniesThenNoNotice() {
        SmartTestClient browser = new SmartTestClient(port);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", "it-public");
        params.put("redirect_uri", "https://app.example.org/callback");
        params.put("scope", "openid launch/patient patient/Observation.rs");
        params.put("state", "s2");
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", SmartTestClient.Pkce.create().challenge());
        params.put("code_challenge_method", "S256");
        browser.get(browser.authorizeUri(params));
        var consent = browser.followToConsent(browser.login(user.username(), PASSWORD));
        HttpResponse<String> denied = browser.deny(consent);
        assertThat(denied.headers().firstValue("Location").orElseThrow()).contains("error=access_denied");
        assertThat(notices.of(user.id())).isEmpty();
        assertThat(browser.get(URI.create("/account/apps")).statusCode()).isEqualTo(200);
    }
}
