package org.portico.fhir.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Arrays;
import java.util.List;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting the fhir-server supports, under {@code portico.fhir}. The environment variables of
 * docs/wire-contract.md are mapped onto these keys in application.yml.
 *
 * @param baseUrl public FHIR base URL; also the {@code aud} every access token must carry
 * @param auth    where tokens come from
 * @param db      the database (embedded H2 unless a JDBC URL for PostgreSQL is given)
 * @param demoDir folders of transaction bundles to load at start-up, comma-separated, or empty; a plain
 *                string because Spring's Path conversion reads {@code ../x} as a classpath resource and fails
 * @param bulk    Bulk Data export (ADR 0013)
 * @param securityLabelRules a file of security-label rules replacing the bundled {@code security-labels/rules.json}
 *                (ADR 0021), or empty for the bundled rules
 * @param ingest  ingestion from sources (ADR 0017)
 */
@Validated
@ConfigurationProperties(prefix = "portico.fhir")
public record PorticoFhirProperties(
        @NotNull URI baseUrl,
        @NotNull @Valid Auth auth,
        @NotNull @Valid Db db,
        String demoDir,
        @DefaultValue @NotNull @Valid Bulk bulk,
        String securityLabelRules,
        @DefaultValue @NotNull @Valid Ingest ingest) {

    /**
     * @param validation what a unit whose resources break US Core gets: {@code reject} (422, nothing
     *                   stored), {@code accept-with-warnings} (stored, the findings in the report) or {@code off}
     */
    public record Ingest(
            @DefaultValue("accept-with-warnings") @NotNull org.portico.fhir.ingest.IngestValidation.Mode validation,
            @DefaultValue @NotNull @Valid Pull pull) {}

    /**
     * Pulling from sources' Bulk Data {@code $export} (ADR 0022).
     *
     * @param keyDir        the folder of the private keys ({@code file:<name>} key references), or empty
     * @param scheduler     whether scheduled pulls run on this instance (a manual {@code $pull} always does)
     * @param checkInterval how often the scheduler looks for sources due for a pull
     * @param timeout       how long an export may take, kick-off to manifest, before the run fails
     * @param maxRetryAfter the longest wait between two status polls, whatever the source's {@code Retry-After}
     * @param httpTimeout   the longest wait for one answer of the source
     * @param unitLines     the most ndjson lines in one ingest unit (a unit is stored all or nothing)
     * @param lease         how long a running pull holds its source before another instance may take it over;
     *                      renewed while the pull makes progress
     */
    public record Pull(
            String keyDir,
            @DefaultValue("true") boolean scheduler,
            @DefaultValue("PT30S") @NotNull Duration checkInterval,
            @DefaultValue("PT1H") @NotNull Duration timeout,
            @DefaultValue("PT5M") @NotNull Duration maxRetryAfter,
            @DefaultValue("PT60S") @NotNull Duration httpTimeout,
            @DefaultValue("10000") @jakarta.validation.constraints.Positive int unitLines,
            @DefaultValue("PT10M") @NotNull Duration lease) {}

    /**
     * @param retryAfter     the {@code Retry-After} of a status answer while an export runs
     * @param fileRetention  how long export files are kept after the export finished (whole hours)
     * @param jobMaintenanceInterval how often HAPI's batch2 moves jobs on to their next step
     */
    public record Bulk(
            @DefaultValue("PT2S") @NotNull Duration retryAfter,
            @DefaultValue("PT2H") @NotNull Duration fileRetention,
            @DefaultValue("PT2S") @NotNull Duration jobMaintenanceInterval) {}

    /**
     * @param issuer             the auth-server issuer ({@code iss} of every token)
     * @param jwksUri            where to fetch the signing keys; {@code {issuer}/oauth2/jwks} when null
     * @param jwksRefetchInterval the least time between two JWKS fetches (unknown {@code kid})
     * @param clockSkew          tolerance on {@code exp} and {@code nbf}
     * @param revocationFeedUri  the auth-server's revocation feed; {@code {issuer}/portico/revocations} when null
     * @param revocationPollInterval how often the feed is read (a revoked app loses access within about this)
     * @param revocationMaxStaleness after this long without a successful read, tokens are refused with 503
     * @param revocationRetention how long a revoked grant is remembered; longer than any access token lives
     */
    public record Auth(
            @NotNull URI issuer,
            URI jwksUri,
            @DefaultValue("PT1M") @NotNull Duration jwksRefetchInterval,
            @DefaultValue("PT60S") @NotNull Duration clockSkew,
            URI revocationFeedUri,
            @DefaultValue("PT2S") @NotNull Duration revocationPollInterval,
            @DefaultValue("PT30S") @NotNull Duration revocationMaxStaleness,
            @DefaultValue("PT2H") @NotNull Duration revocationRetention) {

        public URI effectiveJwksUri() {
            return jwksUri == null || jwksUri.toString().isBlank() ? new AuthEndpoints(issuer).jwks() : jwksUri;
        }

        public URI effectiveRevocationFeedUri() {
            return revocationFeedUri == null || revocationFeedUri.toString().isBlank()
                    ? new AuthEndpoints(issuer).revocationFeed()
                    : revocationFeedUri;
        }
    }

    /**
     * @param url      JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...})
     * @param username database user
     * @param password database password (no default outside the embedded H2)
     * @param schema   PostgreSQL schema for the HAPI tables, created if missing
     * @param maxPoolSize connection pool size
     */
    public record Db(
            @NotBlank String url,
            String username,
            String password,
            @DefaultValue("fhir") @NotBlank String schema,
            @DefaultValue("10") int maxPoolSize) {

        public boolean isPostgres() {
            return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
        }
    }

    /** The demo folders, in the order given (empty when none). */
    public List<Path> demoPaths() {
        if (demoDir == null || demoDir.isBlank()) {
            return List.of();
        }
        return Arrays.stream(demoDir.split(",")).map(String::trim).filter(d -> !d.isEmpty()).map(Path::of).toList();
    }
}
