package org.portico.fhir;

import org.portico.fhir.security.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The settings every fhir-server IT needs: its PostgreSQL database, the test issuer with its JWKS
 * and revocation feed (without the feed every token would get 503), and the demo data. One place,
 * so a new required setting reaches every IT at once.
 */
public final class TestServerProperties {

    private TestServerProperties() {}

    public static void register(DynamicPropertyRegistry registry, PostgresTestDatabase db, TestTokens tokens) {
        registry.add("portico.fhir.db.url", db::url);
        registry.add("portico.fhir.db.username", db::user);
        registry.add("portico.fhir.db.password", db::password);
        registry.add("portico.fhir.base-url", TestTokens.FHIR_BASE::toString);
        registry.add("portico.fhir.auth.issuer", TestTokens.ISSUER::toString);
        registry.add("portico.fhir.auth.jwks-uri", () -> tokens.jwksUri().toString());
        registry.add("portico.fhir.auth.revocation-feed-uri", () -> tokens.revocationFeedUri().toString());
        registry.add("portico.fhir.demo-dir", () -> "../demo/fhir");
    }
}
