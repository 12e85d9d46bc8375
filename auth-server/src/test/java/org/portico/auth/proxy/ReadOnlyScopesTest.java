package org.portico.auth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadOnlyScopesTest {

    @Test
    void whenScopesWriteThenOnlyTheirReadingPartIsKept() {
        assertThat(ReadOnlyScopes.filter(List.of("openid", "launch/patient", "patient/*.cruds", "patient/Observation.rs",
                "patient/Condition.c", "patient/*.*", "patient/Observation.write", "user/Observation.cud?category=x|y",
                "user/Observation.crs?category=x|y")))
                .containsExactly("openid", "launch/patient", "patient/*.rs", "patient/Observation.rs", "patient/*.read",
                        "user/Observation.rs?category=x|y");
    }

    @Test
    void whenAnyScopeWritesThenWritesIsTrue() {
        assertThat(ReadOnlyScopes.writes(List.of("user/*.rs", "openid"))).isFalse();
        assertThat(ReadOnlyScopes.writes(List.of("user/*.rs", "user/Observation.c"))).isTrue();
        assertThat(ReadOnlyScopes.writes(List.of("user/*.write"))).isTrue();
    }
}
