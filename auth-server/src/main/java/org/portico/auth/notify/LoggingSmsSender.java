package org.portico.auth.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMS "gateway" of a server without one: a log line with the masked number and the kind of message,
 * the text only when {@link SmsSettings#logMessageText()} is on (demo).
 */
public final class LoggingSmsSender implements SmsSender {

    private static final Logger log = LoggerFactory.getLogger(LoggingSmsSender.class);

    private final boolean logText;

    public LoggingSmsSender(SmsSettings settings) {
        this.logText = settings.logMessageText();
    }

    @Override
    public void send(String phone, String kind, String text) {
        if (logText) {
            log.info("SMS ({}) to {} [demo: portico.auth.sms.log-message-text is on]: {}", kind, mask(phone), text);
        } else {
            log.info("SMS ({}) to {} (no gateway configured: not sent)", kind, mask(phone));
        }
    }

    /** Only the last two digits: enough to tell numbers apart in a log, not to find a person. */
    static String mask(String phone) {
        String digits = phone == null ? "" : phone.replaceAll("[^0-9]", "");
        return digits.length() < 4 ? "***" : "***" + digits.substring(digits.length() - 2);
    }
}
