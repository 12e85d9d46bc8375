package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PkceTest {

    @Test
    void s256MatchesRfc7636AppendixB() {
        assertThat(Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void generatedVerifierHasAllowedLengthAndAlphabet() {
        Pkce pkce = Pkce.generate();
        assertThat(pkce.verifier()).hasSizeBetween(43, 128).matches("[A-Za-z0-9\\-._~]+");
        assertThat(pkce.challenge()).isEqualTo(Pkce.s256(pkce.verifier()));
    }

    @Test
    void generatedVerifiersDiffer() {
        assertThat(Pkce.generate().verifier()).isNotEqualTo(Pkce.generate().verifier());
    }
}
