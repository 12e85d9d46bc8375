package org.portico.auth.config;

import java.util.List;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Browser SMART apps call the token endpoint, the JWKS and discovery from their own origin. They
 * send no cookies there, so any origin is allowed without credentials. The authorization endpoint
 * and the login page are navigations and get no CORS headers.
 */
@Configuration(proxyBeanMethods = false)
public class CorsConfig {

    @Bean
    CorsConfigurationSource corsConfigurationSource() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(List.of("*"));
        cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        for (String path : List.of(AuthEndpoints.TOKEN_PATH, AuthEndpoints.JWKS_PATH, AuthEndpoints.REVOCATION_PATH,
                AuthEndpoints.INTROSPECTION_PATH, AuthEndpoints.USERINFO_PATH, "/.well-known/**")) {
            source.registerCorsConfiguration(path, cors);
        }
        return source;
    }
}
