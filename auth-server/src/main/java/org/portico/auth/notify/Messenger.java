package org.portico.auth.notify;

import jakarta.annotation.PreDestroy;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends a patient an email or a text message whose texts come from the message bundles, in the
 * patient's language. Delivery happens on a background thread: a page never waits for the SMTP server
 * or the SMS gateway, so how long a response takes says nothing about whether a message was sent
 * (no enumeration by timing), and a slow mail server cannot hold a request. A failed delivery is
 * logged (kind and masked address only) and dropped.
 *
 * <p>Message keys: {@code <key>.subject} and {@code <key>.body} for email, {@code <key>.sms} for SMS;
 * {@code {0}}, {@code {1}}, ... are the arguments.
 */
@Component
public class Messenger {

    private static final Logger log = LoggerFactory.getLogger(Messenger.class);

    private final JavaMailSender mail;
    private final SmsSender sms;
    private final MessageSource messages;
    private final String from;
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "portico-notify");
        thread.setDaemon(true);
        return thread;
    });

    public Messenger(JavaMailSender mail, SmsSender sms, MessageSource messages, MailSettings settings) {
        this.mail = mail;
        this.sms = sms;
        this.messages = messages;
        this.from = settings.from();
    }

    /** Queues an email to {@code to}. */
    public void email(String to, Locale locale, String key, Object... args) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(to);
        message.setSubject(messages.getMessage(key + ".subject", args, locale));
        message.setText(messages.getMessage(key + ".body", args, locale));
        delivery.execute(() -> {
            try {
                mail.send(message);
                log.info("email ({}) sent to {}", key, maskEmail(to));
            } catch (MailException e) {
                log.warn("email ({}) to {} failed: {}", key, maskEmail(to), e.getClass().getSimpleName());
            }
        });
    }

    /** Queues a text message to {@code phone}. */
    public void sms(String phone, Locale locale, String key, Object... args) {
        String text = messages.getMessage(key + ".sms", args, locale);
        delivery.execute(() -> {
            try {
                sms.send(phone, key, text);
            } catch (RuntimeException e) {
                log.warn("SMS ({}) to {} failed: {}", key, LoggingSmsSender.mask(phone), e.getClass().getSimpleName());
            }
        });
    }

    @PreDestroy
    void stop() {
        delivery.shutdown();
    }

    static String maskEmail(String email) {
        int at = email == null ? -1 : email.indexOf('@');
        return at < 0 ? "***" : "***" + email.substring(at);
    }
}
