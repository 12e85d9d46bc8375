package org.portico.conformance;

import java.net.URI;

/**
 * The deployment under test: where its FHIR API is (everything else is discovered from there) and
 * the demo logins and clients registered on it.
 */
public record Deployment(URI fhirBase, DemoFile demo) {

    /** A fresh SMART client for this deployment. */
    public SmartClient smartClient() {
        return new SmartClient(fhirBase);
    }
}
