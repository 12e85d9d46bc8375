package org.portico.fhir.ingest;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * An EHR registered to push data (ADR 0017).
 *
 * @param id             Portico's id of the source
 * @param name           what operators call it
 * @param uri            the {@code meta.source} of everything it sends
 * @param clientId       the backend-services client that pushes for it; no other client may
 * @param organizationId the id of its Organization (the author of its data's Provenance)
 * @param recordIdSystem the identifier system of its own record ids ({@code <system>|<its id>} finds a resend)
 * @param mrnSystems     the identifier systems of its medical record numbers
 * @param validation     what its units that break US Core get, or null for the server's setting
 */
public record Source(String id, String name, URI uri, String clientId, String organizationId, String recordIdSystem,
        List<String> mrnSystems, IngestValidation.Mode validation) {

    public Source(String id, String name, URI uri, String clientId, String organizationId, String recordIdSystem,
            List<String> mrnSystems) {
        this(id, name, uri, clientId, organizationId, recordIdSystem, mrnSystems, null);
    }

    public Source {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(recordIdSystem, "recordIdSystem");
        mrnSystems = List.copyOf(mrnSystems);
    }

    public String organizationReference() {
        return "Organization/" + organizationId;
    }
}
