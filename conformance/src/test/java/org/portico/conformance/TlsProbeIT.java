package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS rows' probe against {@link FakeServerMain} over HTTPS: it must see TLS 1.0/1.1 ACCEPTED by a
 * server that speaks them (else the refusal row could never fail) and REFUSED by one limited to TLS
 * 1.2/1.3, and validate certificates only against the trust it is given.
 */
class TlsProbeIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();
    private SelfSignedCertificate certificate;

    @BeforeEach
    void certificate() {
        certificate = SelfSignedCertificate.generate(Path.of(System.getProperty("java.home"), "bin", "keytool"), dir.resolve("tls"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process server : servers) {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    void whenServerSpeaksTls11ThenLegacyHandshakesAccepted() throws Exception {
        URI server = start("TLSv1,TLSv1.1,TLSv1.2,TLSv1.3");
        List<TlsProbe.LegacyResult> results = TlsProbe.legacyHandshakes(Path.of(JAVA), List.of(server), List.of("TLSv1", "TLSv1.1"));
        assertThat(results).extracting(TlsProbe.LegacyResult::verdict)
                .as(results.toString()).containsExactly(TlsProbe.Verdict.ACCEPTED, TlsProbe.Verdict.ACCEPTED);
    }

    @Test
    void whenServerLimitedToTls12And13ThenLegacyRefusedAndModernAcceptedWithTheRunsTrust() throws Exception {
        URI server = start(SelfSignedCertificate.ENABLED_PROTOCOLS);
        List<TlsProbe.LegacyResult> results = TlsProbe.legacyHandshakes(Path.of(JAVA), List.of(server), TlsProbe.LEGACY_PROTOCOLS);
        assertThat(results).extracting(TlsProbe.LegacyResult::verdict).as(results.toString())
                .containsOnly(TlsProbe.Verdict.REFUSED).hasSize(TlsProbe.LEGACY_PROTOCOLS.size());
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            assertThat(TlsProbe.handshake(server, protocol, certificate.sslContext()).protocol()).isEqualTo(protocol);
        }
        // the certificate is trusted only where the suite was told to trust it
        assertThatThrownBy(() -> TlsProbe.handshake(server, "TLSv1.3", Deployment.defaultSslContext()))
                .isInstanceOf(SSLException.class);
    }

    private URI start(String protocols) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path relaxed = dir.resolve("relaxed.security");
        Files.writeString(relaxed, TlsProbe.RELAXED_DISABLED_ALGORITHMS + "\n", StandardCharsets.UTF_8);
        Path classes = Path.of(FakeServerMain.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        ProcessBuilder builder = new ProcessBuilder(JAVA, "-Xmx64m", "-Djava.security.properties=" + relaxed,
                "-cp", classes.toString(), FakeServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + port + ".log").toFile());
        builder.environment().putAll(certificate.serverEnvironment());
        builder.environment().putAll(Map.of("SERVER_PORT", Integer.toString(port), "SERVER_SSL_ENABLED_PROTOCOLS", protocols));
        servers.add(builder.start());
        URI uri = URI.create("https://localhost:" + port + "/");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                TlsProbe.handshake(uri, "TLSv1.2", certificate.sslContext());
                return uri;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The fake HTTPS server did not start: "
                            + Files.readString(dir.resolve("server-" + port + ".log")), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
