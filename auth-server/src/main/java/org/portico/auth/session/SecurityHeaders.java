package org.portico.auth.session;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The response headers of every page and endpoint of the auth-server: a Content Security Policy without
 * inline script or style and {@code frame-ancestors 'none'} (no framing, so no clickjacking of the consent
 * page), {@code X-Frame-Options: DENY} for older browsers, {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer} (URLs here carry authorization request parameters), and HSTS, which
 * Spring Security writes on TLS requests only. {@code form-action} is left out on purpose: browsers apply it to
 * the redirect after the consent form, which goes to the app's own {@code redirect_uri}.
 */
public final class SecurityHeaders {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    public static <B extends org.springframework.security.config.annotation.web.HttpSecurityBuilder<B>>
            Customizer<HeadersConfigurer<B>> all() {
        return headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny)
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000));
    }
}
