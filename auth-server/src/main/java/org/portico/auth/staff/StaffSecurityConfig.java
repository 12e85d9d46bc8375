package org.portico.auth.staff;

import org.portico.auth.identity.UserAccount;
import org.portico.auth.login.LoginProtectionConfig.FormLoginAuthentication;
import org.portico.auth.mfa.MfaConfig;
import org.portico.auth.session.AbsoluteSessionTimeout;
import org.portico.auth.session.SecurityHeaders;
import org.portico.auth.session.SessionConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The staff side has its own role ({@code STAFF}): the JSON API ({@value StaffApiController#PATH}) takes
 * HTTP Basic with a staff account's username and password on every request (no session, no cookies, so
 * no CSRF); the page ({@value StaffPageController#PATH}) uses the normal sign-in and a session, with
 * CSRF. A patient account gets 403 on both; a staff account gets 403 on every patient page and on the
 * authorization endpoint (WebSecurityConfig, AuthorizationServerConfig). Both take the sign-in protection of
 * the patient side: the API's passwords go through the throttled sign-in manager, the page through the
 * second-step gate and the session timeouts.
 */
@Configuration(proxyBeanMethods = false)
public class StaffSecurityConfig {

    @Bean
    @Order(1)
    SecurityFilterChain staffApiSecurityFilterChain(HttpSecurity http, FormLoginAuthentication signIn) throws Exception {
        http.securityMatcher(StaffApiController.PATH + "/**")
                // the sign-in form's throttled manager: wrong passwords count and lock as on the form (ADR 0018)
                .authenticationManager(signIn.manager())
                .headers(SecurityHeaders.all())
                .authorizeHttpRequests(authorize -> authorize.anyRequest().hasRole(UserAccount.STAFF))
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain staffPageSecurityFilterChain(HttpSecurity http, MfaConfig.Gate mfa,
            SessionConfig.AbsoluteTimeout absoluteTimeout) throws Exception {
        http.securityMatcher(StaffPageController.PATH, StaffPageController.PATH + "/actions/**")
                // the same session rules and second step as the patient pages (ADR 0018)
                .addFilterAfter(absoluteTimeout.filter(), SecurityContextHolderFilter.class)
                .addFilterAfter(mfa.filter(), AbsoluteSessionTimeout.class)
                .headers(SecurityHeaders.all())
                .authorizeHttpRequests(authorize -> authorize.anyRequest().hasRole(UserAccount.STAFF))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")));
        return http.build();
    }
}
