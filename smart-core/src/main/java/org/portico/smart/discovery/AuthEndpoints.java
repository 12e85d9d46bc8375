package org.portico.smart.discovery;

import java.net.URI;
import java.util.Objects;

/**
 * Where the Portico auth-server serves each endpoint, relative to its issuer. The auth-server
 * configures Spring Authorization Server with these paths and the fhir-server advertises the
 * resulting URLs, so the two cannot drift apart.
 */
public record AuthEndpoints(URI issuer) {

    public static final String AUTHORIZATION_PATH = "/oauth2/authorize";
    public static final String TOKEN_PATH = "/oauth2/token";
    public static final String JWKS_PATH = "/oauth2/jwks";
    public static final String INTROSPECTION_PATH = "/oauth2/introspect";
    public static final String REVOCATION_PATH = "/oauth2/revoke";
    public static final String REGISTRATION_PATH = "/connect/register";
    public static final String USERINFO_PATH = "/userinfo";
    /** The patient's connected-apps page (SMART {@code management_endpoint}). */
    public static final String MANAGEMENT_PATH = "/account/apps";
    /** Where the portal (or an EHR) mints an EHR-launch {@code launch} value. */
    public static final String EHR_LAUNCH_PATH = "/portico/launch";
    /** SMART {@code smart_style_url}: JSON, served without authentication. */
    public static final String SMART_STYLE_PATH = "/smart-style.json";
    /**
     * Revoked grant ids ({@code portico_grant} claim) the fhir-server polls, so that a revoked
     * grant's unexpired access tokens stop working within seconds without a network call on the
     * request path. JSON: {@code {"revoked":[{"grant":"...","revoked_at":epochSeconds}],"now":epochSeconds}};
     * query {@code since=epochSeconds}.
     */
    public static final String REVOCATION_FEED_PATH = "/portico/revocations";

    public AuthEndpoints {
        Objects.requireNonNull(issuer, "issuer");
        String s = issuer.toString();
        if (s.endsWith("/")) {
            issuer = URI.create(s.substring(0, s.length() - 1));
        }
    }

    public URI authorization() {
        return resolve(AUTHORIZATION_PATH);
    }

    public URI token() {
        return resolve(TOKEN_PATH);
    }

    public URI jwks() {
        return resolve(JWKS_PATH);
    }

    public URI introspection() {
        return resolve(INTROSPECTION_PATH);
    }

    public URI revocation() {
        return resolve(REVOCATION_PATH);
    }

    public URI registration() {
        return resolve(REGISTRATION_PATH);
    }

    public URI userinfo() {
        return resolve(USERINFO_PATH);
    }

    public URI management() {
        return resolve(MANAGEMENT_PATH);
    }

    public URI ehrLaunch() {
        return resolve(EHR_LAUNCH_PATH);
    }

    public URI smartStyle() {
        return resolve(SMART_STYLE_PATH);
    }

    public URI revocationFeed() {
        return resolve(REVOCATION_FEED_PATH);
    }

    private URI resolve(String path) {
        return URI.create(issuer + path);
    }
}
