package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The acceptance data pushed four units at a time ({@link MultiEhrSupport}): units of one source and of
 * different sources are stored side by side (ADR 0023), and still every person is one unified Patient, no
 * resource a unit shares with another is stored twice, every fact two sources sent is stored once, and
 * the second ingest changes nothing.
 */
class MultiEhrConcurrentIngestIT extends MultiEhrSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        multiEhrProperties(registry, "ingest_multi_ehr_concurrent");
    }

    @Override
    Set<String> pulled(JsonNode manifest) {
        return Set.of();
    }

    @Override
    int clients() {
        return 4;
    }
}
