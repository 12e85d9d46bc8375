package org.portico.auth.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientJwksTest {

    final ClientJwks jwks = new ClientJwks(new ClientAuthProperties(Duration.ofSeconds(10), Duration.ofHours(1),
            Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(60), false),
            JwksUriGuard.system(false), Clock.systemUTC());

    @Test
    void whenMaxAgeWithinBoundsThenItIsTheLifetime() {
        assertThat(jwks.lifetime(List.of("public, max-age=120"), null)).isEqualTo(Duration.ofSeconds(120));
        assertThat(jwks.lifetime(List.of("max-age=120"), "20")).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void whenMaxAgeOutsideBoundsThenClampedToFloorOrCeiling() {
        assertThat(jwks.lifetime(List.of("max-age=2"), null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(jwks.lifetime(List.of("max-age=86400"), null)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void whenNoCacheOrNoStoreOrInvalidThenFloor() {
        assertThat(jwks.lifetime(List.of("no-store"), null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(jwks.lifetime(List.of("max-age=600, no-cache"), null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(jwks.lifetime(List.of("max-age=soon"), null)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void whenNoCacheControlThenDefault() {
        assertThat(jwks.lifetime(List.of(), null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(jwks.lifetime(List.of("public"), null)).isEqualTo(Duration.ofMinutes(5));
    }
}
