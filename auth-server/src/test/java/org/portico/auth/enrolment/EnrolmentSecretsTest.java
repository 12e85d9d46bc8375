package org.portico.auth.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.portico.auth.enrolment.EnrolmentSecrets.Kind;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The secrets on the embedded (H2) schema: hashing, normalising what patients type, single use, attempt limits. */
class EnrolmentSecretsTest {

    static EnrolmentSecrets secrets() {
        String url = "jdbc:h2:mem:secrets-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/h2").load().migrate();
        return new EnrolmentSecrets(JdbcClient.create(new DriverManagerDataSource(url, "sa", "")));
    }

    @Test
    void whenACodeIsTypedLooselyThenItStillMatchesAndIsUsableOnce() {
        EnrolmentSecrets secrets = secrets();
        EnrolmentSecrets.Issued code = secrets.issue(Kind.ACTIVATION_CODE, "p1", null, null, Duration.ofDays(1), "staff");
        assertThat(code.secret()).matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
        String typed = " " + code.secret().toLowerCase(java.util.Locale.ROOT).replace("-", " ").replace('0', 'o').replace('1', 'l') + " ";
        assertThat(secrets.findUsable(Kind.ACTIVATION_CODE, typed)).hasValueSatisfying(s -> assertThat(s.patientId()).isEqualTo("p1"));
        assertThat(secrets.findUsable(Kind.INVITATION, code.secret())).as("kinds do not mix").isEmpty();
        assertThat(secrets.consume(code.id())).isTrue();
        assertThat(secrets.consume(code.id())).isFalse();
        assertThat(secrets.findUsable(Kind.ACTIVATION_CODE, code.secret())).isEmpty();
    }

    @Test
    void whenWrongTriesReachTheLimitThenTheSecretIsRevoked() {
        EnrolmentSecrets secrets = secrets();
        EnrolmentSecrets.Issued otp = secrets.issue(Kind.ONE_TIME_CODE, "p1", null, "email", Duration.ofMinutes(10), null);
        assertThat(otp.secret()).matches("[0-9]{6}");
        assertThat(secrets.oneTimeCodeMatches(otp.id(), otp.secret())).isTrue();
        assertThat(secrets.oneTimeCodeMatches(otp.id(), "x" + otp.secret())).isFalse();
        for (int i = 0; i < 3; i++) {
            secrets.recordFailure(otp.id(), 3);
        }
        assertThat(secrets.findById(otp.id()).orElseThrow().usable(secrets.now())).isFalse();
        assertThat(secrets.consume(otp.id())).isFalse();
    }

    @Test
    void whenExpiredThenNotUsable() {
        EnrolmentSecrets secrets = secrets();
        EnrolmentSecrets.Issued link = secrets.issue(Kind.PASSWORD_RESET, null, "u1", "email", Duration.ofMillis(-1), null);
        assertThat(secrets.findUsable(Kind.PASSWORD_RESET, link.secret())).isEmpty();
        assertThat(secrets.consume(link.id())).isFalse();
    }

    @Test
    void whenManyAreIssuedThenTheyDiffer() {
        EnrolmentSecrets secrets = secrets();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(secrets.issue(Kind.INVITATION, "p", null, "email", Duration.ofDays(1), "s").secret())).isTrue();
        }
        assertThat(seen.iterator().next()).hasSize(43);
    }
}
