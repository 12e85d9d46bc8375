package org.portico.auth.notify;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Email to patients ({@code portico.auth.mail.*}); the SMTP server itself is Spring Boot's
 * {@code spring.mail.*} ({@code SPRING_MAIL_HOST}, {@code SPRING_MAIL_PORT}, {@code SPRING_MAIL_USERNAME},
 * {@code SPRING_MAIL_PASSWORD}).
 *
 * @param from the sender address of every message ({@code PORTICO_AUTH_MAIL_FROM})
 */
@Validated
@ConfigurationProperties(prefix = "portico.auth.mail")
public record MailSettings(@NotBlank String from) {}
