package org.portico.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Portico as a SMART Backend Services and Bulk Data client of one source (ADR 0022): a token by
 * {@code client_credentials} with a {@code private_key_jwt} client assertion, the kick-off with
 * {@code Prefer: respond-async}, polling that honours {@code Retry-After} within bounds, and file
 * downloads. Every failure of the source becomes a {@link PullFailure} whose message quotes no token.
 */
final class BulkClient {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);
    private static final Duration FIRST_POLL = Duration.ofSeconds(1);
    private static final int MAX_REDIRECTS = 3;

    /** A failure of the source or of the exchange with it; the run fails with this message. */
    static final class PullFailure extends Exception {
        PullFailure(String message) {
            super(message);
        }
    }

    record Output(String type, URI url) {}

    record Manifest(Instant transactionTime, boolean requiresAccessToken, List<Output> output, List<Output> error) {}

    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration httpTimeout;
    private final Duration maxRetryAfter;

    BulkClient(HttpClient http, ObjectMapper json, Clock clock, Duration httpTimeout, Duration maxRetryAfter) {
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.httpTimeout = httpTimeout;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** A conversation with one source: a token, renewed when it is about to expire. */
    final class Session {
        private final PullSource pull;
        private final PullKeys.SigningKey key;
        private URI tokenUrl;
        private String accessToken;
        private Instant expires = Instant.MIN;

        Session(PullSource pull, PullKeys.SigningKey key) {
            this.pull = pull;
            this.key = key;
        }

        String bearer() throws PullFailure {
            if (accessToken == null || clock.instant().isAfter(expires.minusSeconds(30))) {
                token();
            }
            return accessToken;
        }

        private void token() throws PullFailure {
            if (tokenUrl == null) {
                tokenUrl = pull.tokenUrl() != null ? pull.tokenUrl() : discover();
            }
            Instant now = clock.instant();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(pull.clientId()).subject(pull.clientId())
                    .audience(tokenUrl.toString()).jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME))).build();
            SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.jwk().getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            try {
                assertion.sign(key.signer());
            } catch (JOSEException e) {
                throw new PullFailure("the client assertion could not be signed");
            }
            String form = form(Map.of("grant_type", "client_credentials", "scope", pull.scope(),
                    "client_assertion_type", ASSERTION_TYPE, "client_assertion", assertion.serialize()));
            HttpResponse<String> r = send(HttpRequest.newBuilder(tokenUrl).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)), "the token endpoint");
            JsonNode body = parse(r.body());
            if (r.statusCode() != 200 || body == null || !body.path("access_token").isTextual()) {
                throw new PullFailure("the token endpoint answered " + r.statusCode() + oauthError(body));
            }
            accessToken = body.path("access_token").asText();
            long lifetime = body.path("expires_in").asLong(300);
            expires = clock.instant().plusSeconds(Math.max(lifetime, 1));
        }

        /** {@code token_endpoint} of the source's {@code .well-known/smart-configuration}. */
        private URI discover() throws PullFailure {
            URI config = URI.create(pull.fhirBase() + "/.well-known/smart-configuration");
            HttpResponse<String> r = send(HttpRequest.newBuilder(config).header("Accept", "application/json").GET(),
                    "the smart-configuration");
            JsonNode body = parse(r.body());
            if (r.statusCode() != 200 || body == null || !body.path("token_endpoint").isTextual()) {
                throw new PullFailure("no token_endpoint in " + config + " (HTTP " + r.statusCode() + ")");
            }
            try {
                return URI.create(body.path("token_endpoint").asText());
            } catch (IllegalArgumentException e) {
                throw new PullFailure("the token_endpoint of " + config + " is not a URI");
            }
        }

        /** Starts the export; answers the status URL. */
        URI kickOff(Instant since) throws PullFailure {
            StringBuilder query = new StringBuilder("_outputFormat=").append(encode("application/fhir+ndjson"));
            if (since != null) {
                query.append("&_since=").append(encode(DateTimeFormatter.ISO_INSTANT.format(since)));
            }
            if (!pull.types().isEmpty()) {
                query.append("&_type=").append(encode(String.join(",", pull.types())));
            }
            String base = pull.exportUrl().toString();
            URI kickOff = URI.create(base + (base.contains("?") ? "&" : "?") + query);
            HttpResponse<String> r = send(HttpRequest.newBuilder(kickOff).header("Accept", "application/fhir+json")
                    .header("Prefer", "respond-async").header("Authorization", "Bearer " + bearer()).GET(), "the kick-off");
            if (r.statusCode() != 202) {
                throw new PullFailure("the kick-off answered " + r.statusCode() + outcome(r.body()));
            }
            String location = r.headers().firstValue("Content-Location").orElse(null);
            if (location == null || location.isBlank()) {
                throw new PullFailure("the kick-off answered 202 without Content-Location");
            }
            try {
                return pull.exportUrl().resolve(location.strip());
            } catch (IllegalArgumentException e) {
                throw new PullFailure("the kick-off's Content-Location is not a URI");
            }
        }

        /** Polls the status URL until the manifest, honouring Retry-After (at most maxRetryAfter), until the deadline. */
        Manifest poll(URI status, Instant deadline, Runnable progress) throws PullFailure {
            Duration wait = FIRST_POLL;
            while (true) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(status).header("Accept", "application/json")
                        .header("Authorization", "Bearer " + bearer()).GET(), "the export status");
                if (r.statusCode() == 200) {
                    return manifest(r.body());
                }
                if (r.statusCode() != 202 && r.statusCode() != 429) {
                    throw new PullFailure("the export status answered " + r.statusCode() + outcome(r.body()));
                }
                Duration asked = retryAfter(r.headers().firstValue("Retry-After").orElse(null));
                wait = asked != null ? asked : min(wait.multipliedBy(2), maxRetryAfter);
                wait = min(wait.isNegative() || wait.isZero() ? FIRST_POLL : wait, maxRetryAfter);
                if (clock.instant().plus(wait).isAfter(deadline)) {
                    throw new PullFailure("the export did not complete within the pull timeout");
                }
                progress.run();
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PullFailure("the pull was interrupted");
                }
            }
        }

        /** Downloads a file of the manifest to {@code target}, with the token if the manifest requires it. */
        void download(Output file, boolean requiresAccessToken, Path target) throws PullFailure {
            URI url = file.url();
            boolean withToken = requiresAccessToken;
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(httpTimeout.multipliedBy(10))
                        .header("Accept", "application/fhir+ndjson").GET();
                if (withToken) {
                    request.header("Authorization", "Bearer " + bearer());
                }
                HttpResponse<Path> r;
                try {
                    r = http.send(request.build(), HttpResponse.BodyHandlers.ofFile(target));
                } catch (IOException e) {
                    throw new PullFailure("the file " + withoutQuery(url) + " could not be downloaded: " + e.getClass().getSimpleName());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PullFailure("the pull was interrupted");
                }
                if (r.statusCode() == 200) {
                    return;
                }
                String location = r.headers().firstValue("Location").orElse(null);
                if (r.statusCode() / 100 == 3 && location != null) {
                    URI next = url.resolve(location);
                    // a token goes only where it was meant to go (a file store on another host gets none)
                    withToken = withToken && sameOrigin(url, next);
                    url = next;
                    continue;
                }
                throw new PullFailure("the file " + withoutQuery(url) + " answered " + r.statusCode());
            }
            throw new PullFailure("the file " + withoutQuery(file.url()) + " redirected more than " + MAX_REDIRECTS + " times");
        }

        /** Tells the source it may delete the export's files (best effort). */
        void delete(URI status) {
            try {
                http.send(HttpRequest.newBuilder(status).timeout(httpTimeout).header("Authorization", "Bearer " + bearer()).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException | PullFailure e) {
                // the source cleans up on its own schedule then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Session session(PullSource pull, PullKeys.SigningKey key) {
        return new Session(pull, key);
    }

    private Manifest manifest(String body) throws PullFailure {
        JsonNode m = parse(body);
        if (m == null || !m.path("transactionTime").isTextual() || !m.path("output").isArray()) {
            throw new PullFailure("the export's manifest has no transactionTime or no output");
        }
        Instant transactionTime;
        try {
            transactionTime = new org.hl7.fhir.r4.model.InstantType(m.path("transactionTime").asText()).getValue().toInstant();
        } catch (RuntimeException e) {
            throw new PullFailure("the manifest's transactionTime is not an instant");
        }
        return new Manifest(transactionTime, m.path("requiresAccessToken").asBoolean(false), outputs(m.path("output")),
                outputs(m.path("error")));
    }

    private static List<Output> outputs(JsonNode array) throws PullFailure {
        List<Output> result = new ArrayList<>();
        for (JsonNode o : array) {
            if (!o.path("url").isTextual()) {
                throw new PullFailure("a manifest entry has no url");
            }
            try {
                result.add(new Output(o.path("type").asText("OperationOutcome"), URI.create(o.path("url").asText())));
            } catch (IllegalArgumentException e) {
                throw new PullFailure("a manifest url is not a URI");
            }
        }
        return result;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) throws PullFailure {
        try {
            return http.send(request.timeout(httpTimeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new PullFailure(what + " did not answer within " + httpTimeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new PullFailure(what + " could not be reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullFailure("the pull was interrupted");
        }
    }

    /** Retry-After as seconds or an HTTP-date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            return Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code : diagnostics} of an OperationOutcome body, shortened; nothing for another body. */
    private String outcome(String body) {
        JsonNode o = parse(body);
        if (o == null || !"OperationOutcome".equals(o.path("resourceType").asText())) {
            return "";
        }
        String text = o.path("issue").path(0).path("diagnostics").asText(o.path("issue").path(0).path("details").path("text").asText(""));
        return text.isEmpty() ? "" : ": " + shorten(text);
    }

    private static String oauthError(JsonNode body) {
        if (body == null || !body.path("error").isTextual()) {
            return "";
        }
        String description = body.path("error_description").asText("");
        return " (" + shorten(body.path("error").asText()) + (description.isEmpty() ? "" : ": " + shorten(description)) + ")";
    }

    static String shorten(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    static String withoutQuery(URI url) {
        String s = url.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && a.getPort() == b.getPort();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }
}
