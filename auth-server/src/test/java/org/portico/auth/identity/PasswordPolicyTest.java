package org.portico.auth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    final PasswordPolicy policy = new PasswordPolicy();

    @Test
    void whenLongAndUncommonThenAccepted() {
        assertThat(policy.problems("correct horse battery staple", "alice")).isEmpty();
        // no composition rules: all lower case letters is fine
        assertThat(policy.problems("tangerinemotorcycle", "alice")).isEmpty();
    }

    @Test
    void whenTooShortOrTooLongThenRefused() {
        assertThat(policy.problems("abc", "alice")).containsExactly("password.tooShort");
        assertThat(policy.problems(null, "alice")).containsExactly("password.tooShort");
        assertThat(policy.problems("x".repeat(129), "alice")).containsExactly("password.tooLong");
        // length counts characters, not UTF-16 units
        assertThat(policy.problems("\uD83D\uDE00".repeat(7), "alice")).containsExactly("password.tooShort");
    }

    @Test
    void whenCommonThenRefusedWhateverTheCase() {
        assertThat(policy.problems("password", "alice")).containsExactly("password.common");
        assertThat(policy.problems("PassWord", "alice")).containsExactly("password.common");
        assertThat(policy.problems("12345678", "alice")).containsExactly("password.common");
        assertThat(policy.problems("iloveyou", "alice")).containsExactly("password.common");
    }

    @Test
    void whenTheUsernameThenRefused() {
        assertThat(policy.problems("maria.lopez", "maria.lopez")).containsExactly("password.sameAsUsername");
        assertThat(policy.problems("Maria.Lopez", "maria.lopez")).containsExactly("password.sameAsUsername");
        assertThat(policy.problems("maria.lopez", null)).isEmpty();
    }
}
