package org.portico.auth.registration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Dynamic client registration ({@code portico.auth.registration.*}). Registration is open by default
 * (Cures Act: no information blocking); an operator may require an initial access token.
 *
 * @param initialAccessToken when set ({@code PORTICO_AUTH_REGISTRATION_INITIAL_ACCESS_TOKEN}), a
 *                           registration needs {@code Authorization: Bearer <it>}; empty: open
 * @param adminToken         the bearer token of the administrator endpoint that marks an app as
 *                           reviewed ({@code PORTICO_AUTH_ADMIN_TOKEN}); empty: the endpoint is off
 * @param reviewerName       who reviews apps, as patients read it on the consent page
 * @param rateLimit          registration requests allowed per client IP address
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth.registration")
public record RegistrationSettings(
        String initialAccessToken,
        String adminToken,
        @NotBlank String reviewerName,
        @NotNull @Valid RateLimit rateLimit) {

    /**
     * A token bucket per IP address: {@code requests} at once, refilled evenly over {@code period}.
     * Reads, updates and deletes of a registration count too.
     */
    public record RateLimit(@Min(1) int requests, @NotNull Duration period) {}
}
