package org.portico.auth;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A real SMTP server (GreenMail) on a random loopback port for the account ITs: the auth-server's
 * {@code spring.mail.*} point at it, so every message goes through a real SMTP exchange. One per test
 * JVM, stopped at exit; {@link #reset()} empties the mailboxes.
 */
final class TestMail {

    private static GreenMail server;

    private TestMail() {}

    static synchronized GreenMail server() {
        if (server == null) {
            server = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return server;
    }

    static int port() {
        return server().getSmtp().getPort();
    }

    static void reset() throws Exception {
        server().purgeEmailFromAllMailboxes();
    }

    /** The messages received so far, waiting up to {@code wait} for {@code count} of them. */
    static List<MimeMessage> await(int count, Duration wait) {
        server().waitForIncomingEmail(wait.toMillis(), count);
        return Arrays.asList(server().getReceivedMessages());
    }

    static List<MimeMessage> to(String address) {
        return Arrays.stream(server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equalsIgnoreCase(address));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The decoded text of a plain-text message. */
    static String body(MimeMessage message) {
        try {
            return message.getContent().toString().replace("\r\n", "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
