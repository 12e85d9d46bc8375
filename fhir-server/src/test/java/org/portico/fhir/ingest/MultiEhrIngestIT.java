package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The acceptance data, every source pushing its bundles ({@link MultiEhrSupport}). */
class MultiEhrIngestIT extends MultiEhrSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        multiEhrProperties(registry, "ingest_multi_ehr");
    }

    @Override
    Set<String> pulled(JsonNode manifest) {
        return Set.of();
    }
}
