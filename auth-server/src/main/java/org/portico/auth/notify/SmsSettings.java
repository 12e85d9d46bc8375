package org.portico.auth.notify;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Text messages ({@code portico.auth.sms.*}). Without a gateway (an {@link SmsSender} bean of the
 * operator's) the {@link LoggingSmsSender} writes a line per message to the log.
 *
 * @param logMessageText demo only ({@code PORTICO_AUTH_SMS_LOG_MESSAGE_TEXT}): the logging sender also
 *                       writes the message text, one-time codes and links included, so a demo can be
 *                       walked without a phone. Never set it where real patients sign up.
 */
@ConfigurationProperties(prefix = "portico.auth.sms")
public record SmsSettings(boolean logMessageText) {}
