package org.portico.auth.notify;

/**
 * Sends a text message. The default ({@link LoggingSmsSender}) only logs; an operator plugs in a gateway
 * by declaring a bean of this type. Implementations must not log the text: it can hold a one-time code.
 */
public interface SmsSender {

    /**
     * @param phone the number as it is on the Patient record
     * @param kind  what the message is, for logs and metrics (e.g. {@code one-time-code}); never the text
     * @param text  the message, already in the account holder's language
     */
    void send(String phone, String kind, String text);
}
