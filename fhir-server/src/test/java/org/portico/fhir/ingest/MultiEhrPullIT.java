package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The acceptance data with the manifest's last source arriving through the pull channel (ADR 0022):
 * Portico pulls it from a Bulk Data server as ndjson, and the manifest's assertions still hold.
 */
class MultiEhrPullIT extends MultiEhrSupport {

    private static final java.nio.file.Path KEYS = BulkSourceServer.keyFolder(sources());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        multiEhrProperties(registry, "ingest_multi_ehr_pull");
        registry.add("portico.fhir.ingest.pull.key-dir", KEYS::toString);
        registry.add("portico.fhir.ingest.pull.scheduler", () -> "false");
    }

    @Override
    Set<String> pulled(JsonNode manifest) {
        List<String> sources = new ArrayList<>();
        manifest.path("sources").fieldNames().forEachRemaining(sources::add);
        return Set.of(sources.get(sources.size() - 1));
    }

    /** A key file per source of the manifest ({@code <source>.jwk}). */
    private static String[] sources() {
        try {
            List<String> names = new ArrayList<>();
            JSON.readTree(resource(DATA + "manifest.json")).path("sources").fieldNames().forEachRemaining(s -> names.add(s + ".jwk"));
            return names.toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
