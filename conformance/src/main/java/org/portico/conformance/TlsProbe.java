package org.portico.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS version checks of an endpoint, as Inferno's {@code tls_test_kit} makes them (G10 checklist G1):
 * a handshake with one protocol version at a time.
 *
 * <p>{@link #handshake} is the positive check, in this JVM: the version is accepted and the server's
 * certificate chain and host name validate against the given trust.
 *
 * <p>{@link #legacyHandshakes} asks whether the server still accepts SSL 3.0, TLS 1.0 or TLS 1.1. The
 * JDK's own {@code jdk.tls.disabledAlgorithms} keeps a client from offering them at all (and is read
 * once per JVM), so a refusal seen from this JVM would prove nothing about the server: the handshakes
 * run in a child JVM started with that property relaxed ({@link #main}), which trusts any certificate
 * because the only question is whether the server speaks the version. A handshake that cannot even be
 * offered is reported as such, never as a refusal.
 */
public final class TlsProbe {

    /** What a completed handshake negotiated. */
    public record Handshake(String protocol, String cipherSuite, String peerSubject) {}

    /** How the server answered a handshake offering one legacy version only. */
    public enum Verdict {
        /** the handshake completed with that version */
        ACCEPTED,
        /** the server answered with a TLS alert or closed the connection */
        REFUSED,
        /** the probe could not offer the version (its JVM would not), so nothing was learnt */
        NOT_TESTED
    }

    /** One legacy handshake: where, which version, the verdict and what was seen. */
    public record LegacyResult(String hostAndPort, String protocol, Verdict verdict, String detail) {}

    /** The versions that must be refused. The JDK has no SSL 2.0 client; SSLv2Hello is not a version. */
    public static final List<String> LEGACY_PROTOCOLS = List.of("SSLv3", "TLSv1", "TLSv1.1");

    /** Lets the child JVM offer SSL 3.0 and TLS 1.0/1.1, with the SHA-1 handshake signatures they need. */
    static final String RELAXED_DISABLED_ALGORITHMS = "jdk.tls.disabledAlgorithms=RC4, DES, MD5withRSA, NULL, anon";

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final String RESULT = "tls-probe-result ";

    private TlsProbe() {}

    /**
     * A handshake with {@code protocol} only (e.g. {@code TLSv1.3}) to the endpoint's host and port,
     * validating the certificate chain with {@code trust} and the host name as HTTPS does.
     *
     * @throws SSLException when the server refuses the version or the certificate does not validate
     */
    public static Handshake handshake(URI endpoint, String protocol, SSLContext trust) throws IOException {
        String host = endpoint.getHost();
        try (Socket plain = connect(endpoint);
             SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(plain, host, port(endpoint), true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            SSLSession session = socket.getSession();
            X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
            return new Handshake(session.getProtocol(), session.getCipherSuite(),
                    peer.getSubjectX500Principal().getName());
        }
    }

    /**
     * Offers each of {@code protocols} alone to each endpoint's host and port, from a child JVM run with
     * {@code java} (see the class comment).
     */
    public static List<LegacyResult> legacyHandshakes(Path java, List<URI> endpoints, List<String> protocols) {
        Path work = null;
        try {
            work = Files.createTempDirectory("tls-probe");
            Path securityProperties = work.resolve("java.security");
            Files.writeString(securityProperties, RELAXED_DISABLED_ALGORITHMS + "\n", StandardCharsets.UTF_8);
            Path classes = Path.of(TlsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> command = new ArrayList<>(List.of(java.toString(),
                    "-Djava.security.properties=" + securityProperties,
                    "-cp", classes.toString(), TlsProbe.class.getName()));
            for (URI endpoint : endpoints) {
                for (String protocol : protocols) {
                    command.add(endpoint.getHost() + ":" + port(endpoint) + "=" + protocol);
                }
            }
            Path output = work.resolve("output.txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("The TLS probe did not finish within 2 minutes: " + command);
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            List<LegacyResult> results = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith(RESULT)) {
                    String[] fields = line.substring(RESULT.length()).split(" ", 4);
                    results.add(new LegacyResult(fields[0], fields[1], Verdict.valueOf(fields[2]),
                            fields.length > 3 ? fields[3] : ""));
                }
            }
            if (process.exitValue() != 0 || results.size() != endpoints.size() * protocols.size()) {
                throw new IllegalStateException("The TLS probe failed (exit " + process.exitValue() + "): "
                        + command + "\n" + String.join("\n", lines));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run the TLS probe", e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the TLS probe's classes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running the TLS probe", e);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * The child JVM: arguments {@code host:port=PROTOCOL}; prints one {@code tls-probe-result} line each.
     * Run it with {@code -Djava.security.properties=} a file holding {@link #RELAXED_DISABLED_ALGORITHMS}.
     */
    public static void main(String[] args) throws GeneralSecurityException {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new AnyCertificate()}, null);
        for (String arg : args) {
            int equals = arg.lastIndexOf('=');
            int colon = arg.lastIndexOf(':', equals);
            String host = arg.substring(0, colon);
            int port = Integer.parseInt(arg.substring(colon + 1, equals));
            String protocol = arg.substring(equals + 1);
            LegacyResult result = offer(trustAll, host, port, protocol);
            System.out.println(RESULT + result.hostAndPort() + " " + result.protocol() + " " + result.verdict() + " "
                    + result.detail().replace('\n', ' '));
        }
    }

    private static LegacyResult offer(SSLContext trustAll, String host, int port, String protocol) {
        String where = host + ":" + port;
        if (!List.of(trustAll.getSupportedSSLParameters().getProtocols()).contains(protocol)) {
            return new LegacyResult(where, protocol, Verdict.NOT_TESTED, "this JVM has no " + protocol + " client");
        }
        try (Socket plain = connect(URI.create("https://" + where));
             SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            // every suite this JVM has, so that a refusal is about the version and not about a cipher
            parameters.setCipherSuites(socket.getSupportedCipherSuites());
            if (!host.isEmpty() && Character.isLetter(host.charAt(0))) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            String negotiated = socket.getSession().getProtocol();
            return new LegacyResult(where, protocol, negotiated.equals(protocol) ? Verdict.ACCEPTED : Verdict.NOT_TESTED,
                    "negotiated " + negotiated + " " + socket.getSession().getCipherSuite());
        } catch (IOException e) {
            return new LegacyResult(where, protocol, classify(e), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * A handshake failure is a refusal only when it came from the server: an alert it sent, or the
     * connection it closed. The client's own "no appropriate protocol" means the version was never offered.
     */
    static Verdict classify(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No appropriate protocol") || message.contains("protocol is disabled")) {
            return Verdict.NOT_TESTED;
        }
        if (message.startsWith("Received fatal alert")
                // the server answered with a newer version than the one offered
                || message.contains("not accepted by client preferences")
                || message.contains("Remote host terminated the handshake")
                || message.contains("Connection reset")
                || e instanceof java.io.EOFException
                || e.getCause() instanceof java.io.EOFException) {
            return Verdict.REFUSED;
        }
        return Verdict.NOT_TESTED;
    }

    private static Socket connect(URI endpoint) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.getHost(), port(endpoint)), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static int port(URI endpoint) {
        return endpoint.getPort() != -1 ? endpoint.getPort() : 443;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }

    /** The legacy probe asks which versions the server speaks, not whether its certificate is valid. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
