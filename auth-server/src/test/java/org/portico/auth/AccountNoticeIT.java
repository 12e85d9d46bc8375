package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

/**
 * {@link AccountNotice}s (published by part A and by registration/recovery) reach the account's proven
 * email through a real SMTP exchange, or its phone by SMS, in the account's language, with no secret.
 */
class AccountNoticeIT extends AccountITSupport {

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    UserAccounts accounts;

    UserAccount account(String email, String phone, String language) {
        String tag = java.util.UUID.randomUUID().toString().substring(0, 8);
        return accounts.createProofed("notice-" + tag, "{noop}x", "it-notice-" + tag, "Noa Tice", email, phone, language,
                new UserAccounts.Proofing("activation_code", "IAL2", System.currentTimeMillis())).orElseThrow();
    }

    @Test
    void whenAnAppIsAuthorizedThenTheHolderGetsAnEmailInTheirLanguage() throws Exception {
        UserAccount es = account("noa@patients.example.org", "+1 555 0100 1234", "es");
        events.publishEvent(new AccountNotice(es.id(), AccountNotice.Kind.APP_AUTHORIZED, Instant.parse("2026-11-27T10:00:00Z"),
                Map.of("app", "Mi App")));
        MimeMessage mail = TestMail.await(1, Duration.ofSeconds(10)).get(0);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("noa@patients.example.org");
        assertThat(mail.getFrom()[0].toString()).contains("no-reply@portico.test");
        assertThat(mail.getSubject()).isEqualTo("Una aplicación ya puede ver su expediente de Portico");
        assertThat(TestMail.body(mail)).contains("Hola, Noa Tice").contains("Mi App").contains("2026");
        assertThat(AccountTestConfig.SMS).as("email when there is one").isEmpty();
    }

    @Test
    void whenTheAccountHasOnlyAPhoneThenTheNoticeGoesBySms() throws Exception {
        UserAccount en = account(null, "+1 555 0100 9876", "en");
        events.publishEvent(new AccountNotice(en.id(), AccountNotice.Kind.ACCOUNT_LOCKED, Instant.now(), Map.of()));
        for (int i = 0; i < 100 && AccountTestConfig.SMS.isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(AccountTestConfig.SMS).singleElement().satisfies(sms -> {
            assertThat(sms.phone()).isEqualTo("+1 555 0100 9876");
            assertThat(sms.kind()).isEqualTo("notice.accountLocked");
            assertThat(sms.text()).startsWith("Portico: your account was locked");
        });
    }

    @Test
    void whenTheAccountHasNoContactOrIsUnknownThenNothingIsSent() {
        events.publishEvent(new AccountNotice("it-no-such-account", AccountNotice.Kind.PASSWORD_CHANGED, Instant.now(), Map.of()));
        String alice = jdbc.sql("SELECT id FROM users WHERE username = 'it-alice'").query(String.class).single();
        events.publishEvent(new AccountNotice(alice, AccountNotice.Kind.NEW_DEVICE, Instant.now(), Map.of("device", "Firefox")));
        assertThat(TestMail.await(1, Duration.ofSeconds(2))).isEmpty();
        assertThat(AccountTestConfig.SMS).isEmpty();
        assertThat(accounts.findById(alice).orElseThrow().roles()).isEqualTo(Set.of("PATIENT"));
    }
}
