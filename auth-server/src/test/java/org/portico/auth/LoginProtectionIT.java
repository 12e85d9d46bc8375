package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.login.LoginThrottle;
import org.portico.auth.notify.AccountNotice;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
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
 * Sign-in throttling and lockout against PostgreSQL over HTTP: a brute-force run, per-address throttling
 * across usernames, no user enumeration, and the staff unlock. The clock is moved by hand, and the password
 * encoder counts its checks, so the tests show what is hashed without timing anything.
 */
// its own settings make it a context of its own: closed after the class, so the IT run's cached contexts
// do not hold more PostgreSQL connections than the server allows
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoginProtectionIT {

    static final String USER = "it-alice";
    static final String PASSWORD = "it-alice-password";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> "http://fhir.test/fhir");
        registry.add("portico.auth.demo-file", AuthorizationFlowIT::demoFile);
        // the defaults, spelled out because the assertions count on them
        registry.add("portico.auth.accounts.login.account-free-failures", () -> "5");
        registry.add("portico.auth.accounts.login.ip-free-failures", () -> "20");
        registry.add("portico.auth.accounts.login.backoff-base", () -> "30s");
        registry.add("portico.auth.accounts.login.backoff-max", () -> "1h");
    }

    @TestConfiguration
    static class Fixtures {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }

        /** Wraps the application's encoder (SAS refuses a second PasswordEncoder bean, @Primary or not). */
        @Bean
        static BeanPostProcessor countingPasswordEncoder() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof PasswordEncoder encoder && !(bean instanceof CountingPasswordEncoder)
                            ? new CountingPasswordEncoder(encoder) : bean;
                }
            };
        }

        @Bean
        Notices notices() {
            return new Notices();
        }
    }

    /** The application's encoder, counting {@code matches} (one per password hashed on sign-in). */
    static final class CountingPasswordEncoder implements PasswordEncoder {
        final PasswordEncoder delegate;
        final AtomicInteger matches = new AtomicInteger();

        CountingPasswordEncoder(PasswordEncoder delegate) {
            this.delegate = delegate;
        }

        @Override
        public String encode(CharSequence raw) {
            return delegate.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            matches.incrementAndGet();
            return delegate.matches(raw, encoded);
        }

        @Override
        public boolean upgradeEncoding(String encoded) {
            return delegate.upgradeEncoding(encoded);
        }
    }

    /** Account notices published on the server's threads (@RecordApplicationEvents only sees the test thread). */
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

    CountingPasswordEncoder encoder;

    @Autowired
    void encoder(PasswordEncoder encoder) {
        this.encoder = (CountingPasswordEncoder) encoder;
    }

    @Autowired
    Notices notices;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    UserAccounts users;

    @Autowired
    LoginThrottle throttle;

    @Autowired
    ApplicationEventPublisher events;

    SmartTestClient browser;

    @BeforeEach
    void reset() {
        // every IT class signs in from 127.0.0.1 against the same database: start clean
        jdbc.sql("DELETE FROM login_throttle").update();
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        notices.published.clear();
        browser = new SmartTestClient(port);
    }

    @AfterEach
    void leaveNoLockout() {
        // the other IT classes sign in as these users from this address
        jdbc.sql("DELETE FROM login_throttle").update();
    }

    String aliceId() {
        return users.findByUsername(USER).orElseThrow().id();
    }

    static boolean signedIn(HttpResponse<String> response) {
        return response.statusCode() == 302
                && !response.headers().firstValue("Location").orElseThrow().contains("error");
    }

    static boolean refused(HttpResponse<String> response) {
        return response.statusCode() == 302
                && response.headers().firstValue("Location").orElseThrow().endsWith("/login?error");
    }

    @Test
    void whenThousandWrongPasswordsThenLockedWithBackoffAndOnlyTheFreeFailuresAreHashed() {
        encoder.matches.set(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(refused(browser.login(USER, "wrong-" + i))).as("attempt %d", i).isTrue();
        }
        // five free failures and the sixth that locks: every later attempt is refused before hashing
        assertThat(encoder.matches.get()).isEqualTo(6);
        assertThat(jdbc.sql("SELECT failures FROM login_throttle WHERE subject_kind = 'account' AND subject = ?")
                .param(aliceId()).query(Integer.class).single()).isEqualTo(6);
        assertThat(notices.published).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(AccountNotice.Kind.ACCOUNT_LOCKED);
            assertThat(n.userId()).isEqualTo(aliceId());
        });

        // locked: the right password too, without hashing it
        encoder.matches.set(0);
        assertThat(refused(browser.login(USER, PASSWORD))).isTrue();
        assertThat(encoder.matches.get()).isZero();
        clock.advance(Duration.ofSeconds(29));
        assertThat(refused(browser.login(USER, PASSWORD))).isTrue();

        // past the 30 s backoff the right password works and the failures are forgotten
        clock.advance(Duration.ofSeconds(2));
        assertThat(signedIn(new SmartTestClient(port).login(USER, PASSWORD))).isTrue();
        assertThat(throttle.isLocked(LoginThrottle.Subject.account(aliceId()))).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM login_throttle WHERE subject_kind = 'account'").query(Integer.class).single()).isZero();
    }

    @Test
    void whenFailuresGoOnAfterALockoutThenEachLockoutIsTwiceTheLast() {
        for (int i = 0; i < 6; i++) {
            browser.login(USER, "wrong");
        }
        LoginThrottle.Subject alice = LoginThrottle.Subject.account(aliceId());
        assertThat(throttle.lockedUntil(alice)).hasValue(clock.instant().plusSeconds(30));
        clock.advance(Duration.ofSeconds(31));
        browser.login(USER, "wrong");
        assertThat(throttle.lockedUntil(alice)).hasValue(clock.instant().plusSeconds(60));
        clock.advance(Duration.ofSeconds(61));
        browser.login(USER, "wrong");
        assertThat(throttle.lockedUntil(alice)).hasValue(clock.instant().plusSeconds(120));
    }

    @Test
    void whenOneAddressTriesManyUsernamesThenTheAddressIsThrottledForEveryAccount() {
        for (int i = 0; i < 21; i++) {
            assertThat(refused(browser.login("nobody-" + i, "guess-" + i))).isTrue();
        }
        encoder.matches.set(0);
        // the address is locked: even a real account with its right password, and nothing is hashed
        assertThat(refused(new SmartTestClient(port).login(USER, PASSWORD))).isTrue();
        assertThat(refused(new SmartTestClient(port).login("nobody-99", "guess"))).isTrue();
        assertThat(encoder.matches.get()).isZero();
        // no single account was locked by the spray
        assertThat(throttle.isLocked(LoginThrottle.Subject.account(aliceId()))).isFalse();

        clock.advance(Duration.ofSeconds(31));
        assertThat(signedIn(new SmartTestClient(port).login(USER, PASSWORD))).isTrue();
    }

    @Test
    void whenUnknownUserWrongPasswordOrLockedAccountThenTheSameAnswerAndTheSameWork() {
        // unknown user and wrong password: one hash each, the same redirect, the same page
        encoder.matches.set(0);
        HttpResponse<String> unknown = browser.login("it-nobody", "some-password");
        assertThat(encoder.matches.getAndSet(0)).isEqualTo(1);
        HttpResponse<String> wrong = browser.login(USER, "some-password");
        assertThat(encoder.matches.getAndSet(0)).isEqualTo(1);

        // lock it-bob and an unknown username alike: both refused without hashing
        for (int i = 0; i < 6; i++) {
            browser.login("it-bob", "wrong");
            browser.login("it-nobody-locked", "wrong");
        }
        encoder.matches.set(0);
        HttpResponse<String> locked = browser.login("it-bob", "it-bob-password");
        HttpResponse<String> lockedUnknown = browser.login("it-nobody-locked", "it-bob-password");
        assertThat(encoder.matches.get()).isZero();

        for (HttpResponse<String> response : List.of(unknown, wrong, locked, lockedUnknown)) {
            assertThat(refused(response)).isTrue();
            assertThat(response.body()).isEmpty();
        }
        String page = errorText(browser.get(URI.create("/login?error")));
        assertThat(page).isEqualTo("The username or password is not correct.");
        // the only notice is it-bob's lockout; unknown usernames have no one to tell
        assertThat(notices.published).extracting(AccountNotice::kind).containsExactly(AccountNotice.Kind.ACCOUNT_LOCKED);
    }

    @Test
    void whenStaffUnlockTheAccountThenTheRightPasswordWorksAtOnce() {
        for (int i = 0; i < 6; i++) {
            browser.login("it-carol", "wrong");
        }
        assertThat(refused(browser.login("it-carol", "it-carol-password"))).isTrue();
        String carol = users.findByUsername("it-carol").orElseThrow().id();
        events.publishEvent(new AccountEvents.UnlockRequested(carol, "staff-1"));
        assertThat(signedIn(new SmartTestClient(port).login("it-carol", "it-carol-password"))).isTrue();
    }

    static String errorText(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        var alert = Jsoup.parse(page.body()).selectFirst("#login-error[role=alert]");
        assertThat(alert).isNotNull();
        return alert.text();
    }
}
