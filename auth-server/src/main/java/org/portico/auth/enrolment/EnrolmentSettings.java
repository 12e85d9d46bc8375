package org.portico.auth.enrolment;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Patient self-registration, identity proofing and recovery ({@code portico.auth.enrolment.*}).
 *
 * @param activationCodeTtl how long a staff-issued activation code works
 * @param invitationTtl     how long an invitation link works
 * @param oneTimeCodeTtl    how long a one-time code (sent to a contact on the record) works
 * @param passwordResetTtl  how long a password-reset link works
 * @param proofedFor        how long a proofed visitor has to choose a username and password
 * @param maxCodeAttempts   wrong tries before a code (activation code with a wrong birth date, one-time code) is void
 * @param minResponseTime   the least time a proofing or reset answer takes, success or not, so timing
 *                          does not tell which (the FHIR search and the hashing then hide under it)
 * @param attemptsPerAddress proofing and reset attempts allowed per client IP address per {@code attemptWindow}
 * @param attemptWindow     see {@code attemptsPerAddress}
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth.enrolment")
public record EnrolmentSettings(
        @NotNull Duration activationCodeTtl,
        @NotNull Duration invitationTtl,
        @NotNull Duration oneTimeCodeTtl,
        @NotNull Duration passwordResetTtl,
        @NotNull Duration proofedFor,
        @Min(1) @Max(20) int maxCodeAttempts,
        @NotNull Duration minResponseTime,
        @Min(1) int attemptsPerAddress,
        @NotNull Duration attemptWindow) {}
