package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {

    @Test
    void whenMadeThenVersion7Rfc9562VariantAndTheMillisecondsLeadTheText() {
        long t = 1_796_000_000_000L;
        UUID id = TimeOrderedUuid.at(t);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t);
        // later milliseconds sort later, as text too (the audit table's primary key is the text)
        assertThat(TimeOrderedUuid.at(t + 1).toString()).isGreaterThan(TimeOrderedUuid.at(t).toString());
        assertThat(TimeOrderedUuid.at(t + 1000).toString()).isGreaterThan(id.toString());
    }

    @Test
    void whenManyAreMadeInTheSameMillisecondThenAllDiffer() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedUuid.at(42L));
        }
        assertThat(ids).hasSize(100_000);
    }
}
