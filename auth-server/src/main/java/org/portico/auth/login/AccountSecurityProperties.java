package org.portico.auth.login;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Sign-in protection, MFA and session settings of patient accounts ({@code portico.auth.accounts.*});
 * defaults in {@code application.yml}, described in the README.
 *
 * @param login                       throttling and lockout
 * @param mfa                         second factors
 * @param session                     browser sessions
 * @param mfaRequiredForClinicalData  a patient without a second factor enrols before the first SMART
 *                                    authorization that grants clinical data
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth.accounts")
public record AccountSecurityProperties(
        @NotNull @Valid Login login,
        @NotNull @Valid Mfa mfa,
        @NotNull @Valid Session session,
        boolean mfaRequiredForClinicalData) {

    /**
     * Failed sign-ins are counted per account (an unknown username counts as an account of its own, so that
     * lockout says nothing about which usernames exist) and per client address. Past the free failures each
     * further failure locks the account (or address) for {@code backoffBase} doubled per failure, at most
     * {@code backoffMax}; while locked even the right password is refused, before any hashing.
     *
     * @param accountFreeFailures failures of one account before the first lockout
     * @param ipFreeFailures      failures from one address (any usernames) before it is locked out
     * @param backoffBase         the first lockout
     * @param backoffMax          the longest lockout
     * @param failureWindow       failures older than this are forgotten
     */
    public record Login(
            @Min(1) int accountFreeFailures,
            @Min(1) int ipFreeFailures,
            @NotNull Duration backoffBase,
            @NotNull Duration backoffMax,
            @NotNull Duration failureWindow) {}

    /**
     * @param issuerName      the name authenticator apps show next to the account
     * @param rememberDevice  how long "remember this device" skips the second step
     */
    public record Mfa(@NotBlank String issuerName, @NotNull Duration rememberDevice) {}

    /**
     * @param idleTimeout     a session unused this long ends
     * @param absoluteTimeout a session ends this long after sign-in, used or not
     */
    public record Session(@NotNull Duration idleTimeout, @NotNull Duration absoluteTimeout) {}
}
