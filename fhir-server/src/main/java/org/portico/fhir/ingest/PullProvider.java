package org.portico.fhir.ingest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The operator's pull API (ADR 0022), beside {@code $register-source}, admitted like it
 * ({@link IngestAuthorization}):
 * <ul>
 * <li>{@code POST [base]/$register-pull} (Parameters: {@code source} (its id or uri), {@code export-url},
 * {@code token-url} 0..1, {@code client-id}, {@code key} ({@code file:<name>} or {@code env:PORTICO_PULL_KEY_<X>}),
 * {@code scope} 0..1, {@code type} 0..*, {@code interval} 0..1 (ISO-8601, {@code PT0S} or none: on request only))
 * sets how a source is pulled and answers it with the public JWK to register at the source, or the
 * {@code jwks-url} where Portico serves it ({@link PullJwksServlet});</li>
 * <li>{@code POST [base]/$pull} ({@code source}) pulls now and answers the run's report; 409 while a pull of the source runs;</li>
 * <li>{@code GET [base]/$pull-runs?source=...&count=...} answers the source's latest runs (default 10), newest first,
 * each a {@code run} parameter whose parts are its report.</li>
 * </ul>
 */
public final class PullProvider {

    static final String DEFAULT_SCOPE = "system/*.read";
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Duration SHORTEST_INTERVAL = Duration.ofMinutes(1);

    private final SourceRegistry registry;
    private final PullSources pulls;
    private final PullKeys keys;
    private final Puller puller;
    private final Clock clock;
    private final URI fhirBase;

    public PullProvider(SourceRegistry registry, PullSources pulls, PullKeys keys, Puller puller, Clock clock, URI fhirBase) {
        this.fhirBase = fhirBase;
        this.registry = registry;
        this.pulls = pulls;
        this.keys = keys;
        this.puller = puller;
        this.clock = clock;
    }

    @Operation(name = IngestAuthorization.REGISTER_PULL, idempotent = false)
    public Parameters registerPull(
            @OperationParam(name = "source", min = 1, max = 1) StringType source,
            @OperationParam(name = "export-url", min = 1, max = 1) UriType exportUrl,
            @OperationParam(name = "token-url", min = 0, max = 1) UriType tokenUrl,
            @OperationParam(name = "client-id", min = 1, max = 1) StringType clientId,
            @OperationParam(name = "key", min = 1, max = 1) StringType key,
            @OperationParam(name = "scope", min = 0, max = 1) StringType scope,
            @OperationParam(name = "type", min = 0, max = OperationParam.MAX_UNLIMITED) List<CodeType> types,
            @OperationParam(name = "interval", min = 0, max = 1) StringType interval) {
        Source registered = source(value(source));
        URI export = httpUri(value(exportUrl), "export-url");
        if (!export.getPath().endsWith("$export") || export.getRawQuery() != null) {
            throw new InvalidRequestException("export-url is [base]/$export, [base]/Patient/$export or [base]/Group/[id]/$export, without a query");
        }
        URI token = value(tokenUrl) == null ? null : httpUri(value(tokenUrl), "token-url");
        if (blank(value(clientId))) {
            throw new InvalidRequestException("client-id is Portico's client id at the source");
        }
        PullKeys.SigningKey signing;
        try {
            signing = keys.load(value(key));
        } catch (PullKeys.KeyException e) {
            throw new InvalidRequestException("key: " + e.getMessage());
        }
        List<String> typeList = new ArrayList<>();
        if (types != null) {
            for (CodeType type : types) {
                if (type.getValue() == null || !TYPE.matcher(type.getValue()).matches()) {
                    throw new InvalidRequestException("type is a FHIR resource type");
                }
                typeList.add(type.getValue());
            }
        }
        PullSource pull = new PullSource(registered.id(), export, token, value(clientId), value(key),
                blank(value(scope)) ? DEFAULT_SCOPE : value(scope), typeList, interval(value(interval)));
        pulls.save(pull, clock.instant());
        return describe(pull, signing, URI.create(fhirBase + PullJwksServlet.PATH + "/" + pull.sourceId()));
    }

    @Operation(name = IngestAuthorization.PULL, idempotent = false)
    public Parameters pull(@OperationParam(name = "source", min = 1, max = 1) StringType source) {
        Source registered = source(value(source));
        try {
            return puller.pull(registered.id(), "manual")
                    .orElseThrow(() -> new ResourceVersionConflictException("A pull of this source is running; try again when it is done"))
                    .toParameters();
        } catch (Puller.UnknownPull e) {
            throw new ResourceNotFoundException(e.getMessage());
        }
    }

    @Operation(name = IngestAuthorization.PULL_RUNS, idempotent = true)
    public Parameters runs(@OperationParam(name = "source", min = 1, max = 1) StringType source,
            @OperationParam(name = "count", min = 0, max = 1) org.hl7.fhir.r4.model.IntegerType count) {
        Source registered = source(value(source));
        int limit = count == null || count.getValue() == null ? 10 : count.getValue();
        if (limit < 1 || limit > 100) {
            throw new InvalidRequestException("count is 1 to 100");
        }
        Parameters p = new Parameters();
        pulls.runs(registered.id(), limit).forEach(run -> p.addParameter(run.asPart()));
        return p;
    }

    private Source source(String idOrUri) {
        if (blank(idOrUri)) {
            throw new InvalidRequestException("source is the id or the uri of a registered source");
        }
        return registry.byId(idOrUri).or(() -> {
            try {
                return registry.byUri(URI.create(idOrUri));
            } catch (IllegalArgumentException e) {
                return java.util.Optional.empty();
            }
        }).orElseThrow(() -> new ResourceNotFoundException("No source " + idOrUri + " is registered"));
    }

    static Parameters describe(PullSource pull, PullKeys.SigningKey key, URI jwksUrl) {
        Parameters p = new Parameters();
        p.addParameter().setName("source").setValue(new StringType(pull.sourceId()));
        p.addParameter().setName("export-url").setValue(new UriType(pull.exportUrl().toString()));
        if (pull.tokenUrl() != null) {
            p.addParameter().setName("token-url").setValue(new UriType(pull.tokenUrl().toString()));
        }
        p.addParameter().setName("client-id").setValue(new StringType(pull.clientId()));
        p.addParameter().setName("key").setValue(new StringType(pull.keyRef()));
        // only the public half: what the operator registers at the source
        p.addParameter().setName("public-jwk").setValue(new StringType(key.publicJwk().toJSONString()));
        p.addParameter().setName("algorithm").setValue(new CodeType(key.algorithm().getName()));
        p.addParameter().setName("jwks-url").setValue(new UriType(jwksUrl.toString()));
        p.addParameter().setName("scope").setValue(new StringType(pull.scope()));
        pull.types().forEach(t -> p.addParameter().setName("type").setValue(new CodeType(t)));
        p.addParameter().setName("interval").setValue(new StringType(pull.interval().toString()));
        return p;
    }

    private static Duration interval(String value) {
        if (blank(value)) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("interval is an ISO-8601 duration (PT1H), or PT0S for pulls on request only");
        }
        if (d.isNegative() || (!d.isZero() && d.compareTo(SHORTEST_INTERVAL) < 0)) {
            throw new InvalidRequestException("interval is PT0S (on request only) or at least " + SHORTEST_INTERVAL);
        }
        return d;
    }

    private static URI httpUri(String value, String name) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http")) || uri.getHost() == null) {
                throw new InvalidRequestException(name + " is an absolute http(s) URL");
            }
            return uri;
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new InvalidRequestException(name + " is an absolute http(s) URL");
        }
    }

    private static String value(org.hl7.fhir.r4.model.PrimitiveType<?> value) {
        return value == null ? null : value.getValueAsString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
