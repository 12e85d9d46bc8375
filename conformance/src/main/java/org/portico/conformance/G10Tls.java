package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS rows (G10 checklist G1, Inferno's {@code tls_version_test}): the endpoint is served over
 * HTTPS with a certificate the suite trusts (the JVM's CAs, or the local deployment's own), TLS 1.2
 * and TLS 1.3 are accepted, and SSL 3.0, TLS 1.0 and TLS 1.1 are refused.
 */
final class G10Tls {

    /** Why a TLS row is skipped: only honest when the deployment under test was named with an http URL. */
    static final String NOT_HTTPS = "the deployment under test is plain HTTP (an http PORTICO_E2E_FHIR_BASE, or "
            + "PORTICO_E2E_TLS=false): there is no TLS to check";
    static final List<String> ACCEPTED = List.of("TLSv1.2", "TLSv1.3");

    private G10Tls() {}

    /** Handshakes with TLS 1.2 and with TLS 1.3 succeed; the chain and host name validate. */
    static void assertModernTlsOnly(SmartClient smart, URI endpoint) {
        assumeTrue("https".equals(endpoint.getScheme()), NOT_HTTPS);
        for (String protocol : ACCEPTED) {
            try {
                TlsProbe.Handshake handshake = TlsProbe.handshake(endpoint, protocol, smart.sslContext());
                assertThat(handshake.protocol()).as(endpoint + " " + handshake).isEqualTo(protocol);
            } catch (IOException e) {
                fail(protocol + " handshake with " + endpoint + " failed: " + e, e);
            }
        }
    }

    /** Each origin refuses SSL 3.0, TLS 1.0 and TLS 1.1 (a handshake offering only that version fails at the server). */
    static void assertLegacyVersionsRefused(List<URI> endpoints) {
        for (URI endpoint : endpoints) {
            assumeTrue("https".equals(endpoint.getScheme()), NOT_HTTPS);
        }
        Map<String, URI> origins = new LinkedHashMap<>();
        endpoints.forEach(e -> origins.putIfAbsent(e.getHost() + ":" + e.getPort(), e));
        List<TlsProbe.LegacyResult> results = TlsProbe.legacyHandshakes(
                Path.of(System.getProperty("java.home"), "bin", "java"), List.copyOf(origins.values()),
                TlsProbe.LEGACY_PROTOCOLS);
        assertThat(results).hasSize(origins.size() * TlsProbe.LEGACY_PROTOCOLS.size());
        for (TlsProbe.LegacyResult result : results) {
            assertThat(result.verdict()).as(result.toString()).isEqualTo(TlsProbe.Verdict.REFUSED);
        }
    }
}
