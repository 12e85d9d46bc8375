package org.portico.auth.config;

import org.portico.auth.proxy.ProxyAccess;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.function.Consumer;
import org.portico.auth.consent.ConsentController;
import org.portico.auth.consent.ConsentGrantProvider;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.keys.SigningKeys;
import org.portico.auth.revocation.GrantRevocations;
import org.portico.auth.revocation.RevocationFeed;
import org.portico.auth.mfa.MfaConfig;
import org.portico.auth.session.AbsoluteSessionTimeout;
import org.portico.auth.session.SecurityHeaders;
import org.portico.auth.session.SessionConfig;
import org.portico.auth.launch.EhrLaunchRequestValidator;
import org.portico.auth.launch.EhrLaunches;
import org.portico.auth.launch.LaunchContexts;
import org.portico.auth.smart.AuthorizationRequestCache;
import org.portico.auth.smart.PatientsOnlyValidator;
import org.portico.auth.smart.PublicClientRefreshAuthentication;
import org.portico.auth.smart.RefreshTokenReuseDetection;
import org.portico.auth.smart.SmartAuthorizationRequestConverter;
import org.portico.auth.smart.SmartAuthorizationRequestValidator;
import org.portico.auth.smart.SmartRefreshTokenGenerator;
import org.portico.auth.smart.SmartTokenCustomizer;
import org.portico.auth.smart.SmartTokenResponseHandler;
import org.portico.auth.tokens.ClientEndpoints;
import org.portico.auth.tokens.GrantIds;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Authorization Server, configured for SMART App Launch: our endpoint paths, JDBC state,
 * the SMART authorization-request rules, our consent page, SMART tokens and token response.
 */
@Configuration(proxyBeanMethods = false)
public class AuthorizationServerConfig {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain authorizationServerSecurityFilterChain(
            HttpSecurity http, RegisteredClientRepository clients, AuthProperties properties,
            ClientEndpoints clientEndpoints, OAuth2AuthorizationService authorizations,
            OAuth2AuthorizationConsentService consents, UserAccounts users,
            ProxyAccess proxies, EhrLaunches launches, LaunchContexts launchContexts, MfaConfig.Gate mfa,
            SessionConfig.AbsoluteTimeout absoluteTimeout, ApplicationEventPublisher events, Clock clock) throws Exception {
        OAuth2AuthorizationServerConfigurer authorizationServer = OAuth2AuthorizationServerConfigurer.authorizationServer();
        Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> validator =
                new SmartAuthorizationRequestValidator(properties.fhirBase())
                        // only a patient authorizes apps: a staff account has no record to share
                        .andThen(new PatientsOnlyValidator())
                        .andThen(new EhrLaunchRequestValidator(launches, users));
        RequestMatcher authorizationEndpoint = request -> AuthEndpoints.AUTHORIZATION_PATH.equals(request.getServletPath());
        // our own RFC 7591/7592 endpoint (registration package), advertised in both discovery documents
        String registrationEndpoint = new AuthEndpoints(properties.issuer()).registration().toString();

        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                // sessions end at the absolute timeout; a password-only session goes to the second step
                // before SAS sees it (ADR 0018)
                .addFilterAfter(absoluteTimeout.filter(), SecurityContextHolderFilter.class)
                .addFilterAfter(mfa.filter(), AbsoluteSessionTimeout.class)
                .headers(SecurityHeaders.all())
                .with(authorizationServer, as -> as
                        .oidc(oidc -> oidc.providerConfigurationEndpoint(discovery -> discovery.providerConfigurationCustomizer(
                                metadata -> metadata.clientRegistrationEndpoint(registrationEndpoint))))
                        .authorizationServerMetadataEndpoint(discovery -> discovery.authorizationServerMetadataCustomizer(
                                metadata -> metadata.clientRegistrationEndpoint(registrationEndpoint)))
                        .authorizationEndpoint(endpoint -> endpoint
                                .consentPage(ConsentController.CONSENT_PATH)
                                .authorizationRequestConverters(converters ->
                                        converters.replaceAll(c -> new SmartAuthorizationRequestConverter(c, clients)))
                                .authenticationProviders(providers -> {
                                    providers.forEach(provider -> {
                                        if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                                            codeRequests.setAuthenticationValidator(validator);
                                            // consent every time: see ConsentController
                                            codeRequests.setAuthorizationConsentRequired(context -> true);
                                        }
                                    });
                                    // granular consent and the grant's launch context: see ConsentGrantProvider
                                    providers.replaceAll(provider -> provider instanceof OAuth2AuthorizationConsentAuthenticationProvider
                                            ? new ConsentGrantProvider(provider, authorizations, consents, users, proxies, launches, launchContexts,
                                                    clients, events, clock)
                                            : provider);
                                }))
                        .tokenEndpoint(endpoint -> endpoint.accessTokenResponseHandler(
                                new SmartTokenResponseHandler(new AuthEndpoints(properties.issuer()).smartStyle().toString())))
                        .clientAuthentication(clientAuthentication -> clientAuthentication
                                .authenticationConverter(PublicClientRefreshAuthentication.converter())
                                .authenticationProvider(PublicClientRefreshAuthentication.provider(clients))))
                .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
                // keep POSTed authorization requests (authorize-post) across the login page too
                .requestCache(cache -> cache.requestCache(AuthorizationRequestCache.create()))
                // access tokens for the OIDC userinfo endpoint
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
                .cors(Customizer.withDefaults())
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), authorizationEndpoint));
        // private_key_jwt, client_credentials, introspection, 401 JSON without client authentication
        clientEndpoints.configure(http, authorizationServer);
        return http.build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthProperties properties) {
        return AuthorizationServerSettings.builder()
                .issuer(new AuthEndpoints(properties.issuer()).issuer().toString())
                .authorizationEndpoint(AuthEndpoints.AUTHORIZATION_PATH)
                .tokenEndpoint(AuthEndpoints.TOKEN_PATH)
                .jwkSetEndpoint(AuthEndpoints.JWKS_PATH)
                .tokenIntrospectionEndpoint(AuthEndpoints.INTROSPECTION_PATH)
                .tokenRevocationEndpoint(AuthEndpoints.REVOCATION_PATH)
                .oidcUserInfoEndpoint(AuthEndpoints.USERINFO_PATH)
                .build();
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcOperations jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
    }

    @Bean
    OAuth2AuthorizationService authorizationService(
            JdbcOperations jdbc, JdbcClient jdbcClient, RegisteredClientRepository clients, RevocationFeed revocations) {
        // GrantRevocations inside: reuse detection's remove() must land in the revocation feed too
        return new RefreshTokenReuseDetection(
                new GrantRevocations(new JdbcOAuth2AuthorizationService(jdbc, clients), revocations), jdbcClient);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcOperations jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(JdbcClient jdbc) {
        return new SigningKeys(jdbc).jwkSource();
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
    }

    @Bean
    OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> jwkSource, UserAccounts users,
            LaunchContexts launchContexts, ProxyAccess proxies, AuthProperties properties) {
        JwtGenerator jwtGenerator = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
        SmartTokenCustomizer smartClaims = new SmartTokenCustomizer(users, launchContexts, proxies, properties.fhirBase());
        GrantIds grantIds = new GrantIds();
        jwtGenerator.setJwtCustomizer(context -> {
            smartClaims.customize(context);
            grantIds.customize(context);
        });
        return new DelegatingOAuth2TokenGenerator(jwtGenerator,
                new SmartRefreshTokenGenerator(properties.tokens().refreshTokenTtl()));
    }
}
