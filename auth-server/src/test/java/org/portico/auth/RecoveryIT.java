package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.portico.auth.identity.AccountEvents;

/**
 * Password reset and MFA reset over HTTP: one-time links to the contact on the account, no
 * enumeration (same page and about the same time for existing and unknown accounts), the
 * password-changed notice, and MFA reset only after the same proofing as registration.
 */
class RecoveryIT extends AccountITSupport {

    static final Pattern LINK = Pattern.compile("http://localhost:9000(/recover/reset\\?token=[A-Za-z0-9_-]+)");

    /** Registers a fresh patient (with an email on the record) by activation code; returns the person and username. */
    record Registered(TestPatients.Person person, String username) {}

    Registered registered(boolean email, boolean phone) throws Exception {
        TestPatients.Person p = TestPatients.person(email, phone).stored();
        HttpResponse<String> proofed = submit("/register", "code-form", "code", activationCode(p.id()), "birthDate", p.birthDate());
        assertThat(proofed.statusCode()).as(proofed.body()).isEqualTo(302);
        String username = "rec-" + p.id();
        assertThat(chooseAccount(username, "the first passphrase").statusCode()).isEqualTo(302);
        browser = new SmartTestClient(port);
        TestMail.reset();
        return new Registered(p, username);
    }

    HttpResponse<String> requestReset(String account) {
        return submit("/recover", "reset-request-form", "account", account);
    }

    String resetPath(MimeMessage mail) {
        Matcher m = LINK.matcher(TestMail.body(mail));
        assertThat(m.find()).as(TestMail.body(mail)).isTrue();
        return m.group(1);
    }

    @Test
    void whenAResetIsAskedForByUsernameThenALinkGoesToTheEmailAndTheNewPasswordWorksOnce() throws Exception {
        Registered r = registered(true, false);
        HttpResponse<String> sent = requestReset(r.username());
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(doc(sent).selectFirst("#reset-sent").text()).startsWith("If an account matches");
        MimeMessage mail = TestMail.await(1, Duration.ofSeconds(10)).get(0);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(r.person().email());
        String path = resetPath(mail);

        HttpResponse<String> weak = submit(path, "reset-form", "password", "short");
        assertThat(weak.statusCode()).isEqualTo(400);
        HttpResponse<String> done = submit(path, "reset-form", "password", "the second passphrase");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location").orElseThrow()).endsWith("/login?reset");

        List<MimeMessage> notices = TestMail.await(2, Duration.ofSeconds(10));
        assertThat(notices).hasSize(2);
        assertThat(notices.get(1).getSubject()).isEqualTo("Your Portico password was changed");

        assertThat(browser.login(r.username(), "the first passphrase").headers().firstValue("Location").orElseThrow()).contains("error");
        signIn(r.username(), "the second passphrase");

        browser = new SmartTestClient(port);
        HttpResponse<String> reused = browser.get(URI.create(path));
        assertThat(reused.statusCode()).as("the link works once").isEqualTo(400);
    }

    @Test
    void whenAResetIsAskedForByTheEmailOnTheAccountThenTheLinkGoesThere() throws Exception {
        Registered r = registered(true, false);
        requestReset(r.person().email().toUpperCase(java.util.Locale.ROOT));
        assertThat(TestMail.await(1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(TestMail.to(r.person().email())).hasSize(1);
    }

    @Test
    void whenTheAccountHasOnlyAPhoneThenTheLinkGoesBySms() throws Exception {
        Registered r = registered(false, true);
        requestReset(r.username());
        for (int i = 0; i < 100 && AccountTestConfig.SMS.isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(AccountTestConfig.SMS).hasSize(1);
        assertThat(AccountTestConfig.SMS.get(0).phone()).isEqualTo(r.person().phone());
        assertThat(AccountTestConfig.SMS.get(0).text()).contains("/recover/reset?token=");
    }

    @Test
    void whenTheLinkHasExpiredThenItCannotBeUsed() throws Exception {
        Registered r = registered(true, false);
        requestReset(r.username());
        String path = resetPath(TestMail.await(1, Duration.ofSeconds(10)).get(0));
        jdbc.sql("UPDATE enrolment_secrets SET expires_at = ? WHERE kind = 'password_reset' AND patient_id = ?")
                .params(System.currentTimeMillis() - 1000, r.person().id()).update();
        assertThat(browser.get(URI.create(path)).statusCode()).isEqualTo(400);
    }

    @Test
    void whenTheAccountIsUnknownThenTheSameAnswerInAboutTheSameTimeAndNoMessage() throws Exception {
        Registered r = registered(true, false);
        HttpResponse<String> known = requestReset(r.username());
        HttpResponse<String> unknown = requestReset("nobody-" + r.username());
        assertThat(unknown.statusCode()).isEqualTo(known.statusCode());
        assertThat(comparable(unknown)).isEqualTo(comparable(known));

        int tries = 7;
        int[] n = {0};
        double ratio = medianRatio(() -> requestReset(r.username()), () -> requestReset("nobody-" + n[0]++ + "-" + r.username()), tries);
        assertThat(ratio).as("median time for a known over an unknown account (or the reverse)").isLessThan(1.5);
        assertThat(TestMail.await(tries + 1, Duration.ofSeconds(10))).as("only the known account got messages").hasSize(tries + 1);
    }

    @Test
    void whenAStaffOrDemoAccountWithoutContactAsksThenNothingIsSent() {
        assertThat(requestReset(STAFF).statusCode()).isEqualTo(200);
        assertThat(requestReset("it-alice").statusCode()).isEqualTo(200);
        assertThat(TestMail.await(1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void whenMfaResetIsProofedThenThePartAEventIsPublishedAndTheHolderIsTold() throws Exception {
        Registered r = registered(true, false);
        browser.get(URI.create("/recover/mfa"));
        HttpResponse<String> wrong = submitForm(doc(browser.get(URI.create("/recover/mfa"))), "code-form",
                "code", "AAAA-BBBB-CCCC", "birthDate", r.person().birthDate());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(AccountTestConfig.EVENTS).isEmpty();

        HttpResponse<String> done = submit("/recover/mfa", "code-form", "code", activationCode(r.person().id()),
                "birthDate", r.person().birthDate());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(doc(done).selectFirst("#message").text()).contains("removed");
        String userId = jdbc.sql("SELECT id FROM users WHERE username = ?").param(r.username()).query(String.class).single();
        assertThat(AccountTestConfig.EVENTS).containsExactly(new AccountEvents.MfaResetProofed(userId, "activation_code"));
        MimeMessage notice = TestMail.await(1, Duration.ofSeconds(10)).get(0);
        assertThat(notice.getSubject()).isEqualTo("Your Portico sign-in methods changed");
    }

    @Test
    void whenMfaResetIsProofedByDemographicsThenTheEventNamesThatMethod() throws Exception {
        Registered r = registered(true, false);
        TestPatients.Person p = r.person();
        browser.get(URI.create("/recover/mfa"));
        HttpResponse<String> pending = submitForm(doc(browser.get(URI.create("/recover/mfa"))), "match-form", "given", p.given(),
                "family", p.family(), "birthDate", p.birthDate(), "factor", "email", "value", p.email());
        assertThat(pending.statusCode()).isEqualTo(200);
        String code = RegistrationIT.codeIn(TestMail.body(TestMail.await(1, Duration.ofSeconds(10)).get(0)));
        HttpResponse<String> done = submitForm(doc(pending), "verify-form", "code", code);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(AccountTestConfig.EVENTS).singleElement().isInstanceOf(AccountEvents.MfaResetProofed.class)
                .extracting("proofingMethod").isEqualTo("demographic_match");
    }
}
