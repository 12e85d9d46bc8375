package org.portico.auth.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedirectUriMatcherTest {

    private static final List<String> REGISTERED = List.of(
            "https://app.example.org/callback",
            "http://localhost/callback",
            "http://127.0.0.1/callback",
            "http://[::1]/",
            "http://localhost:3000/cb?x=1");

    @Test
    void whenExactThenMatches() {
        assertThat(RedirectUriMatcher.matches("https://app.example.org/callback", REGISTERED)).isTrue();
    }

    @Test
    void whenNonLoopbackDiffersInAnyWayThenNoMatch() {
        assertThat(RedirectUriMatcher.matches("https://app.example.org/callback/", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://app.example.org:8443/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://APP.example.org/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://app.example.org/callback?x=1", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("http://app.example.org/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://evil.example/callback", REGISTERED)).isFalse();
    }

    @Test
    void whenLoopbackWithOtherPortThenMatches() {
        assertThat(RedirectUriMatcher.matches("http://localhost:53211/callback", REGISTERED)).isTrue();
        assertThat(RedirectUriMatcher.matches("http://127.0.0.1:8765/callback", REGISTERED)).isTrue();
        assertThat(RedirectUriMatcher.matches("http://[::1]:49152/", REGISTERED)).isTrue();
        assertThat(RedirectUriMatcher.matches("http://localhost:4000/cb?x=1", REGISTERED)).isTrue();
    }

    @Test
    void whenLoopbackDiffersInMoreThanPortThenNoMatch() {
        assertThat(RedirectUriMatcher.matches("http://localhost:53211/other", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("http://localhost:53211/callback?code=x", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://localhost:53211/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("http://user@localhost:53211/callback", REGISTERED)).isFalse();
        // another loopback host than the registered one is not the same redirect URI
        assertThat(RedirectUriMatcher.matches("http://127.0.0.2:53211/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("http://[::1]:49152/callback", REGISTERED)).isFalse();
    }

    @Test
    void whenFragmentOrGarbageThenNoMatch() {
        assertThat(RedirectUriMatcher.matches("http://localhost/callback#x", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("https://app.example.org/callback#", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("not a uri", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("/callback", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches("", REGISTERED)).isFalse();
        assertThat(RedirectUriMatcher.matches(null, REGISTERED)).isFalse();
    }

    @Test
    void whenLoopbackLookalikeThenNotLoopback() {
        assertThat(RedirectUriMatcher.isLoopback("localhost.evil.example")).isFalse();
        assertThat(RedirectUriMatcher.isLoopback("127.0.0.1.evil.example")).isFalse();
        assertThat(RedirectUriMatcher.isLoopback("128.0.0.1")).isFalse();
        assertThat(RedirectUriMatcher.isLoopback("127.0.0.256")).isFalse();
        assertThat(RedirectUriMatcher.isLoopback("127.0.0.1")).isTrue();
        assertThat(RedirectUriMatcher.isLoopback("LOCALHOST")).isTrue();
    }
}
