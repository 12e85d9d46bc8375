package org.portico.auth.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

    /** The RFC 6238 appendix B SHA-1 seed. */
    static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({
        "59, 94287082",
        "1111111109, 07081804",
        "1111111111, 14050471",
        "1234567890, 89005924",
        "2000000000, 69279037",
        "20000000000, 65353130"})
    void whenRfc6238TestVectorsThenTheSameCodes(long time, String expected) {
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(time)), 8)).isEqualTo(expected);
        // six digits are the last six of the same number
        assertThat(Totp.code(SEED, Totp.step(Instant.ofEpochSecond(time)), 6)).isEqualTo(expected.substring(2));
    }

    @Test
    void whenCodeOfTheStepBeforeOrAfterThenAcceptedButNotTwoAway() {
        Instant now = Instant.ofEpochSecond(1_234_567_890);
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step, 6), now)).hasValue(step);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 1, 6), now)).hasValue(step - 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 1, 6), now)).hasValue(step + 1);
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step - 2, 6), now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, Totp.code(SEED, step + 2, 6), now)).isEmpty();
    }

    @Test
    void whenNotSixDigitsThenRefused() {
        Instant now = Instant.ofEpochSecond(59);
        assertThat(Totp.matchingStep(SEED, "287082", now)).isPresent();
        assertThat(Totp.matchingStep(SEED, "28708", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "2870822", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, "28708a", now)).isEmpty();
        assertThat(Totp.matchingStep(SEED, null, now)).isEmpty();
    }

    @Test
    void whenBase32RoundTripThenTheSameBytes() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(new String(Base32.decode("mzxw 6ytb-oi======"), StandardCharsets.US_ASCII)).isEqualTo("foobar");
        assertThat(Base32.encode(SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}
