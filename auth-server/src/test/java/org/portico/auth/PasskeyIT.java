package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.auth.SmartTestClient.json;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.mfa.SecondFactors;
import org.portico.auth.mfa.Totp;
import java.util.concurrent.CopyOnWriteArrayList;
import org.portico.auth.notify.AccountNotice;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Passkeys against PostgreSQL: Spring Security's WebAuthn options endpoints as our pages call them (with the
 * CSRF token from the page), the JDBC repositories, a passkey counting as a second factor, and the pages'
 * markup. The browser ceremony itself (a virtual authenticator) is for the Selenium suite.
 */
// its own settings make it a context of its own: closed after the class, so the IT run's cached contexts
// do not hold more PostgreSQL connections than the server allows
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PasskeyIT {

    static final String PASSWORD = "a long enough password for tests";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("portico.auth.db.url", TestDatabase::url);
        registry.add("portico.auth.db.user", () -> TestDatabase.USER);
        registry.add("portico.auth.db.password", () -> TestDatabase.PASSWORD);
        registry.add("portico.auth.issuer", () -> "http://localhost:9000");
        registry.add("portico.auth.fhir-base-url", () -> "http://fhir.test/fhir");
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
    }

    @Autowired
    Notices notices;

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    PublicKeyCredentialUserEntityRepository entities;

    @Autowired
    UserCredentialRepository credentials;

    @Autowired
    SecondFactors factors;

    @Autowired
    ApplicationEventPublisher events;

    UserAccount user;

    @BeforeEach
    void newUser() {
        String name = "passkey-" + UUID.randomUUID().toString().substring(0, 8);
        user = users.create(name, encoder.encode(PASSWORD), "it-patient-" + name, "Passkey Tester");
    }

    /** POSTs JSON to a WebAuthn endpoint with the CSRF header of {@code page}, as /js/passkeys.js does. */
    static HttpResponse<String> postJson(SmartTestClient browser, HttpResponse<String> page, String path) {
        Document doc = Jsoup.parse(page.body());
        String token = doc.selectFirst("meta[name=_csrf]").attr("content");
        String header = doc.selectFirst("meta[name=_csrf_header]").attr("content");
        return browser.send(HttpRequest.newBuilder(browser.base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header(header, token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    CredentialRecord savePasskey(String label) {
        PublicKeyCredentialUserEntity entity = entities.findByUsername(user.username());
        if (entity == null) {
            entity = ImmutablePublicKeyCredentialUserEntity.builder()
                    .name(user.username()).id(Bytes.random()).displayName(user.displayName()).build();
            entities.save(entity);
        }
        CredentialRecord record = ImmutableCredentialRecord.builder()
                .credentialId(Bytes.random())
                .userEntityUserId(entity.getId())
                .publicKey(new ImmutablePublicKeyCose(new byte[] {1, 2, 3}))
                .credentialType(PublicKeyCredentialType.PUBLIC_KEY)
                .signatureCount(0)
                .uvInitialized(true)
                .transports(java.util.Set.of(AuthenticatorTransport.INTERNAL))
                .backupEligible(true)
                .backupState(false)
                .label(label)
                .created(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .lastUsed(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        credentials.save(record);
        return record;
    }

    @Test
    void whenAnonymousAsksForAuthenticationOptionsThenAChallengeForThisRelyingParty() {
        SmartTestClient browser = new SmartTestClient(port);
        HttpResponse<String> login = browser.get(URI.create("/login"));
        HttpResponse<String> options = postJson(browser, login, "/webauthn/authenticate/options");
        assertThat(options.statusCode()).isEqualTo(200);
        Map<String, Object> body = json(options.body());
        assertThat(body.get("rpId")).isEqualTo("localhost");
        assertThat((String) body.get("challenge")).hasSizeGreaterThanOrEqualTo(22);
        // a second request gets a new challenge
        assertThat(json(postJson(browser, login, "/webauthn/authenticate/options").body()).get("challenge")).isNotEqualTo(body.get("challenge"));
    }

    @Test
    void whenOptionsAskedWithoutCsrfTokenThenRefused() {
        SmartTestClient browser = new SmartTestClient(port);
        HttpResponse<String> refused = browser.send(HttpRequest.newBuilder(browser.base.resolve("/webauthn/authenticate/options"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    @Test
    void whenSignedInAsksForRegistrationOptionsThenOptionsForThisUserAndNotOtherwise() {
        SmartTestClient anonymous = new SmartTestClient(port);
        HttpResponse<String> loginPage = anonymous.get(URI.create("/login"));
        HttpResponse<String> refused = postJson(anonymous, loginPage, "/webauthn/register/options");
        // Spring's options filter answers 400 to a request without a signed-in user
        assertThat(refused.statusCode()).isIn(302, 400, 401, 403);
        assertThat(refused.body()).doesNotContain("challenge");

        SmartTestClient browser = new SmartTestClient(port);
        browser.login(user.username(), PASSWORD);
        HttpResponse<String> security = browser.get(URI.create("/account/security"));
        assertThat(security.statusCode()).isEqualTo(200);
        HttpResponse<String> options = postJson(browser, security, "/webauthn/register/options");
        assertThat(options.statusCode()).isEqualTo(200);
        Map<String, Object> body = json(options.body());
        assertThat(((Map<?, ?>) body.get("rp")).get("id")).isEqualTo("localhost");
        assertThat(((Map<?, ?>) body.get("user")).get("name")).isEqualTo(user.username());
        assertThat((String) body.get("challenge")).isNotBlank();
    }

    @Test
    void whenAPasskeyIsStoredThenItIsListedCountsAsASecondFactorAndIsRemovedByAnMfaReset() {
        notices.published.clear();
        CredentialRecord saved = savePasskey("Work laptop");
        assertThat(passkeys().size()).isEqualTo(1);
        // a new passkey is news for the account holder; Spring saving it again after a sign-in is not
        assertThat(notices.published).filteredOn(n -> n.userId().equals(user.id())).singleElement()
                .satisfies(n -> assertThat(n.details()).containsEntry("method", "passkey-added"));
        credentials.save(ImmutableCredentialRecord.fromCredentialRecord(saved).signatureCount(1).build());
        assertThat(notices.published).filteredOn(n -> n.userId().equals(user.id())).hasSize(1);
        assertThat(factors.hasAny(user.id())).isTrue();

        // the password alone is not enough any more
        SmartTestClient browser = new SmartTestClient(port);
        browser.login(user.username(), PASSWORD);
        HttpResponse<String> gated = browser.get(URI.create("/account/security"));
        assertThat(gated.statusCode()).isEqualTo(302);
        assertThat(gated.headers().firstValue("Location").orElseThrow()).endsWith("/login/mfa");

        events.publishEvent(new AccountEvents.MfaResetProofed(user.id(), "activation-code"));
        assertThat(factors.hasAny(user.id())).isFalse();
        assertThat(passkeys()).isEmpty();
    }

    @Test
    void whenTheSecurityPageListsPasskeysThenEachCanBeRemovedByItsOwnerOnly() {
        savePasskey("Phone");
        String id = passkeys().get(0).getCredentialId().toBase64UrlString();

        // someone else (no second factor) posts the id: nothing happens
        SmartTestClient other = new SmartTestClient(port);
        other.login("it-carol", "it-carol-password");
        HttpResponse<String> carolsPage = other.get(URI.create("/account/security"));
        Map<String, List<String>> carolsCsrf = Map.of("_csrf", List.of(Jsoup.parse(carolsPage.body()).selectFirst("meta[name=_csrf]").attr("content")));
        other.postForm(URI.create("/account/security/passkeys/" + id + "/delete"), carolsCsrf, Map.of());
        assertThat(passkeys()).hasSize(1);

        // the owner, after the second step (an authenticator app here), sees it listed and removes it
        byte[] secret = SecondFactors.newTotpSecret();
        factors.saveTotp(user.id(), secret, Totp.step(Instant.now()) - 5);
        SmartTestClient owner = new SmartTestClient(port);
        owner.login(user.username(), PASSWORD);
        HttpResponse<String> mfa = owner.get(URI.create("/login/mfa"));
        Map<String, List<String>> mfaForm = Map.of(
                "_csrf", List.of(Jsoup.parse(mfa.body()).selectFirst("form#mfa-form input[name=_csrf]").val()),
                "code", List.of(Totp.code(secret, Totp.step(Instant.now()), 6)));
        assertThat(owner.postForm(URI.create("/login/mfa"), mfaForm, Map.of()).statusCode()).isEqualTo(302);
        HttpResponse<String> page = owner.get(URI.create("/account/security"));
        Document doc = Jsoup.parse(page.body());
        assertThat(doc.select("#passkeys td").eachText()).contains("Phone");
        var delete = doc.selectFirst("#passkeys form");
        Map<String, List<String>> csrf = Map.of("_csrf", List.of(delete.selectFirst("input[name=_csrf]").val()));
        assertThat(owner.postForm(URI.create(delete.attr("action")), csrf, Map.of()).statusCode()).isEqualTo(302);
        assertThat(passkeys()).isEmpty();
    }

    @Test
    void whenLoginPageThenPasskeyButtonHiddenWithoutScriptAndTheScriptIsAStaticFile() {
        HttpResponse<String> login = new SmartTestClient(port).get(URI.create("/login"));
        Document doc = Jsoup.parse(login.body());
        assertThat(doc.selectFirst("section#passkey-signin").hasAttr("hidden")).isTrue();
        assertThat(doc.select("script[src]").eachAttr("src")).containsExactly("/js/passkeys.js");
        assertThat(doc.select("script:not([src])")).isEmpty();
        HttpResponse<String> script = new SmartTestClient(port).get(URI.create("/js/passkeys.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        // the form still works without it
        assertThat(doc.selectFirst("form#login-form")).isNotNull();
    }

    List<org.springframework.security.web.webauthn.api.CredentialRecord> passkeys() {
        var entity = entities.findByUsername(user.username());
        return entity == null ? List.of() : credentials.findByUserId(entity.getId());
    }
}
