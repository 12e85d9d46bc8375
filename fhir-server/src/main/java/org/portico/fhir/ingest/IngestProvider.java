package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The ingest API (ADR 0017), as server operations of the FHIR API:
 * <ul>
 * <li>{@code POST [base]/$register-source} (Parameters: {@code name}, {@code uri}, {@code client-id},
 * {@code record-id-system}, {@code mrn-system} 0..*, {@code organization} 0..1, {@code validation} 0..1:
 * {@code reject}, {@code accept-with-warnings} or {@code off}, else the server's setting) registers or updates a source;</li>
 * <li>{@code POST [base]/$ingest} with a transaction, batch or collection Bundle, and
 * {@code POST [base]/$ingest-ndjson} with ndjson (one resource per line, any types), store one unit
 * for the source whose client sends it and answer its {@link IngestReport}.</li>
 * </ul>
 * Admission is {@link IngestAuthorization}'s.
 */
public final class IngestProvider {

    /** A unit is read into memory: larger pushes are split by the source. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private final FhirContext fhir;
    private final SourceAdministration administration;
    private final IngestAuthorization authorization;
    private final Ingestor ingestor;

    public IngestProvider(FhirContext fhir, SourceAdministration administration, IngestAuthorization authorization, Ingestor ingestor) {
        this.fhir = fhir;
        this.administration = administration;
        this.authorization = authorization;
        this.ingestor = ingestor;
    }

    @Operation(name = IngestAuthorization.REGISTER, idempotent = false)
    public Parameters registerSource(
            @OperationParam(name = "name", min = 1, max = 1) StringType name,
            @OperationParam(name = "uri", min = 1, max = 1) UriType uri,
            @OperationParam(name = "client-id", min = 1, max = 1) StringType clientId,
            @OperationParam(name = "record-id-system", min = 1, max = 1) UriType recordIdSystem,
            @OperationParam(name = "mrn-system", min = 0, max = OperationParam.MAX_UNLIMITED) List<UriType> mrnSystems,
            @OperationParam(name = "organization", min = 0, max = 1) Organization organization,
            @OperationParam(name = "validation", min = 0, max = 1) org.hl7.fhir.r4.model.CodeType validation) {
        List<String> systems = new ArrayList<>();
        if (mrnSystems != null) {
            mrnSystems.forEach(s -> systems.add(s.getValue()));
        }
        Source source = administration.register(new SourceAdministration.Registration(
                value(name), uri(value(uri)), value(clientId), value(recordIdSystem), systems, organization, mode(value(validation))));
        return describe(source);
    }

    @Operation(name = IngestAuthorization.INGEST, idempotent = false, manualRequest = true)
    public Parameters ingestBundle(RequestDetails request) {
        Source source = authorization.sourceOf(request);
        return ingest(request, source, IngestUnit.ofBundle(fhir, body(request)));
    }

    @Operation(name = IngestAuthorization.INGEST_NDJSON, idempotent = false, manualRequest = true)
    public Parameters ingestNdjson(RequestDetails request) {
        Source source = authorization.sourceOf(request);
        return ingest(request, source, IngestUnit.ofNdjson(fhir, body(request)));
    }

    private Parameters ingest(RequestDetails request, Source source, IngestUnit unit) {
        Set<String> types = new LinkedHashSet<>();
        unit.entries().forEach(e -> types.add(e.resource().fhirType()));
        authorization.requireWrites(request, types);
        return ingestor.ingest(source, unit).toParameters();
    }

    static Parameters describe(Source source) {
        Parameters p = new Parameters();
        p.addParameter().setName("id").setValue(new StringType(source.id()));
        p.addParameter().setName("name").setValue(new StringType(source.name()));
        p.addParameter().setName("uri").setValue(new UriType(source.uri().toString()));
        p.addParameter().setName("client-id").setValue(new StringType(source.clientId()));
        p.addParameter().setName("organization").setValue(new Reference(source.organizationReference()));
        p.addParameter().setName("record-id-system").setValue(new UriType(source.recordIdSystem()));
        source.mrnSystems().forEach(s -> p.addParameter().setName("mrn-system").setValue(new UriType(s)));
        if (source.validation() != null) {
            p.addParameter().setName("validation").setValue(new org.hl7.fhir.r4.model.CodeType(source.validation().code()));
        }
        return p;
    }

    private static String body(RequestDetails request) {
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY_BYTES) {
            throw new PayloadTooLargeException("A unit is at most " + MAX_BODY_BYTES + " bytes; split it");
        }
        byte[] bytes = request.loadRequestContents();
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRequestException("The request has no body");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new PayloadTooLargeException("A unit is at most " + MAX_BODY_BYTES + " bytes; split it");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String value(org.hl7.fhir.r4.model.PrimitiveType<?> value) {
        return value == null ? null : value.getValueAsString();
    }

    private static IngestValidation.Mode mode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return IngestValidation.Mode.of(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("validation is one of reject, accept-with-warnings, off");
        }
    }

    private static URI uri(String value) {
        try {
            return value == null ? null : new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("uri is not a URI");
        }
    }
}
