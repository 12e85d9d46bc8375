package org.portico.conformance;

import java.net.URI;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The deployment under test: where its FHIR API is (everything else is discovered from there), the
 * demo logins and clients registered on it, and whom the suite trusts for its TLS certificate.
 *
 * @param sslContext            what the suite's HTTP clients validate the servers' certificates with
 * @param selfSignedCertificate true when {@code sslContext} trusts a certificate made for this run that
 *                              a browser would not (the local deployment); a browser then has to be
 *                              told to accept it
 */
public record Deployment(URI fhirBase, DemoFile demo, SSLContext sslContext, boolean selfSignedCertificate) {

    /** A deployment whose certificate (if it has TLS) the JVM's default trust store validates. */
    public Deployment(URI fhirBase, DemoFile demo) {
        this(fhirBase, demo, defaultSslContext(), false);
    }

    /** A fresh SMART client for this deployment. */
    public SmartClient smartClient() {
        return new SmartClient(fhirBase, sslContext);
    }

    /** A fresh browser session (own cookies) that trusts this deployment's certificate. */
    public HttpSession newSession() {
        return new HttpSession(sslContext);
    }

    static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no default TLS context", e);
        }
    }
}
