package org.portico.auth.config;

import org.portico.auth.identity.UserAccount;
import org.portico.auth.login.LoginProtectionConfig.FormLoginAuthentication;
import org.portico.auth.login.NewBrowserSuccessHandler;
import org.portico.auth.login.AccountSecurityProperties;
import org.portico.auth.mfa.MfaConfig;
import org.portico.auth.mfa.Passkeys;
import org.portico.auth.session.AbsoluteSessionTimeout;
import org.portico.auth.session.SecurityHeaders;
import org.portico.auth.session.SessionConfig;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The pages around the authorization server: login (form, CSRF on), consent, error page, health,
 * registration and recovery (open). Staff pages have their own chain (staff package).
 */
@Configuration(proxyBeanMethods = false)
public class WebSecurityConfig {

    @Bean
    @Order(2)
    SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http, FormLoginAuthentication formLogin, MfaConfig.Gate mfa,
            SessionConfig.AbsoluteTimeout absoluteTimeout, NewBrowserSuccessHandler loginSuccess, AuthProperties properties,
            AccountSecurityProperties accounts) throws Exception {
        http.authenticationManager(formLogin.manager())
                // sessions end at the absolute timeout; then the second step of sign-in (ADR 0018)
                .addFilterAfter(absoluteTimeout.filter(), SecurityContextHolderFilter.class)
                .addFilterAfter(mfa.filter(), AbsoluteSessionTimeout.class)
                .headers(SecurityHeaders.all())
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers("/login", "/error", "/css/**", "/js/**", "/favicon.ico", "/actuator/health", "/actuator/health/**",
                                AuthEndpoints.SMART_STYLE_PATH)
                        .permitAll()
                        // self-registration, password reset and MFA reset: proofing first, no account yet
                        .requestMatchers("/register", "/register/**", "/recover", "/recover/**")
                        .permitAll()
                        // consent, patient picker, account pages: patients only (a staff account has no record)
                        .anyRequest().hasRole(UserAccount.PATIENT))
                .formLogin(form -> form.loginPage("/login").successHandler(loginSuccess).permitAll())
                // passkeys: Spring Security's WebAuthn endpoints, our pages and script (mfa.Passkeys)
                .webAuthn(Passkeys.relyingParty(properties, accounts.mfa().issuerName()));
        return http.build();
    }

    /** bcrypt by default; {@code {id}}-prefixed hashes keep working when the default changes. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
