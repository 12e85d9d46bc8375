package org.portico.auth.registration;

import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The registration API and the app-review endpoint are bearer-token JSON APIs that check their own
 * tokens (none for an open registration): no session, no login redirect, no CSRF (no cookies are
 * used), and a rate limit per IP address in front of everything.
 */
@Configuration(proxyBeanMethods = false)
public class RegistrationSecurityConfig {

    @Bean
    @Order(1)
    SecurityFilterChain registrationSecurityFilterChain(HttpSecurity http, RegistrationSettings settings) throws Exception {
        http.securityMatcher(AuthEndpoints.REGISTRATION_PATH, AuthEndpoints.REGISTRATION_PATH + "/**",
                        AppReviewController.PATH + "/**")
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new RegistrationRateLimitFilter(settings.rateLimit()), SecurityContextHolderFilter.class);
        return http.build();
    }
}
