package org.portico.conformance;

import java.net.URI;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The deployment under test: where its FHIR API is (everything else is discovered from there), the
 * logins and clients registered on it, whom the suite trusts for its TLS certificate, and how its
 * pages look to the {@link LoginDriver} and the {@link Portal}.
 *
 * @param sslContext            what the suite's HTTP clients validate the servers' certificates with
 * @param selfSignedCertificate true when {@code sslContext} trusts a certificate made for this run that
 *                              a browser would not (the local deployment); a browser then has to be
 *                              told to accept it
 * @param loginForms            the selectors of the login, patient picker and consent pages
 * @param portalPages           the patient's pages outside an authorization request (EHR launch, revoke)
 * @param callsBackToLocalhost  the servers run on this machine, so a {@code jwks_uri} on localhost that
 *                              the kit serves is reachable from them
 */
public record Deployment(URI fhirBase, DemoFile demo, SSLContext sslContext, boolean selfSignedCertificate,
        LoginForms loginForms, PortalPages portalPages, boolean callsBackToLocalhost) {

    /** A deployment whose certificate (if it has TLS) the JVM's default trust store validates, with Portico's pages. */
    public Deployment(URI fhirBase, DemoFile demo) {
        this(fhirBase, demo, defaultSslContext(), false, LoginForms.defaults(), PortalPages.defaults(), false);
    }

    /** A fresh SMART client for this deployment, driving its pages with {@link #loginForms()}. */
    public SmartClient smartClient() {
        return new SmartClient(fhirBase, new LoginDriver(loginForms), sslContext, portalPages);
    }

    /** A fresh browser session (own cookies) that trusts this deployment's certificate. */
    public HttpSession newSession() {
        return new HttpSession(sslContext);
    }

    /** A headless browser for this deployment's login, picker and consent pages. */
    public LoginDriver loginDriver() {
        return new LoginDriver(loginForms);
    }

    static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no default TLS context", e);
        }
    }
}
