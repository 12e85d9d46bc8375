package org.portico.fhir.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How Portico pulls from a source's Bulk Data {@code $export} (ADR 0022), as a backend-services client
 * of that source.
 *
 * @param sourceId  the registered source the data is ingested for
 * @param exportUrl the kick-off URL: {@code [base]/$export}, {@code [base]/Patient/$export} or {@code [base]/Group/[id]/$export}
 * @param tokenUrl  the source's token endpoint, or null to discover it from {@code [base]/.well-known/smart-configuration}
 * @param clientId  Portico's client id at the source
 * @param keyRef    the private key that signs the client assertion: {@code file:<name>} in the key folder or
 *                  {@code env:<PORTICO_PULL_KEY_...>} (never the key itself)
 * @param scope     the scope asked for
 * @param types     the {@code _type} list, or empty for every type the source exports
 * @param interval  how often it is pulled; zero: on request only
 */
public record PullSource(String sourceId, URI exportUrl, URI tokenUrl, String clientId, String keyRef, String scope,
        List<String> types, Duration interval) {

    public PullSource {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(exportUrl, "exportUrl");
        types = List.copyOf(types);
    }

    /** The FHIR base of the source: the kick-off URL without its {@code [Group/id | Patient]/$export}. */
    public URI fhirBase() {
        String url = exportUrl.toString();
        url = url.substring(0, url.length() - "$export".length());
        url = url.replaceFirst("(Group/[^/]+/|Patient/)$", "");
        return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
}
