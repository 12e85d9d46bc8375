package org.portico.auth.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The auth-server settings ({@code portico.auth.*}). Defaults live in {@code application.yml};
 * production sets them through the environment variables named in docs/wire-contract.md.
 *
 * @param issuer       the public issuer URL ({@code PORTICO_AUTH_ISSUER})
 * @param fhirBaseUrl  the FHIR base URL, the only accepted {@code aud} ({@code PORTICO_FHIR_BASE_URL})
 * @param fhirInternalUrl where the auth-server itself calls the FHIR API (the access-log page), e.g. a
 *                     private network address ({@code PORTICO_FHIR_INTERNAL_URL}); empty: {@code fhirBaseUrl}
 * @param db           the database; empty URL means Spring's datasource or the embedded H2 file
 * @param tokens       token lifetimes
 * @param demoFile     a demo users/clients JSON file loaded at start-up, or empty ({@code PORTICO_AUTH_DEMO_FILE})
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth")
public record AuthProperties(
        @NotNull URI issuer,
        @NotNull URI fhirBaseUrl,
        URI fhirInternalUrl,
        @NotNull @Valid Db db,
        @NotNull @Valid Tokens tokens,
        String demoFile) {

    /**
     * @param url      JDBC URL ({@code PORTICO_AUTH_DB_URL}); wins over {@code spring.datasource.url}
     * @param user     ({@code PORTICO_AUTH_DB_USER})
     * @param password ({@code PORTICO_AUTH_DB_PASSWORD}); never has a default
     * @param schema   PostgreSQL schema, created if missing ({@code PORTICO_AUTH_DB_SCHEMA})
     * @param embeddedUrl the H2 file used when no URL is configured
     */
    public record Db(
            String url,
            String user,
            String password,
            @NotBlank @Pattern(regexp = "[a-z_][a-z0-9_]{0,62}") String schema,
            @NotBlank String embeddedUrl) {}

    public record Tokens(
            @NotNull Duration accessTokenTtl,
            @NotNull Duration authorizationCodeTtl,
            @NotNull Duration refreshTokenTtl) {}

    /** The FHIR base URL without a trailing slash, as it appears in {@code aud} and {@code fhirUser}. */
    public String fhirBase() {
        String s = fhirBaseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Where the auth-server sends its own FHIR requests, without a trailing slash: the internal URL, else the public base. */
    public String fhirInternalBase() {
        String s = fhirInternalUrl == null ? "" : fhirInternalUrl.toString();
        if (s.isBlank()) {
            return fhirBase();
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
