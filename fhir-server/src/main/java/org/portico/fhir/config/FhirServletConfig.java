package org.portico.fhir.config;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.portico.fhir.audit.AuditCaptureInterceptor;
import org.portico.fhir.audit.AuditEventCapability;
import org.portico.fhir.audit.AuditEventProvider;
import org.portico.fhir.audit.AuditEventWriteGuard;
import org.portico.fhir.authz.ActingFor;
import org.portico.fhir.authz.BulkExportAuthorization;
import org.portico.fhir.authz.DirectoryEntries;
import org.portico.fhir.authz.DirectoryNarrowing;
import org.portico.fhir.authz.GranularSearchNarrowing;
import org.portico.fhir.authz.IncludeFilter;
import org.portico.fhir.authz.PatientCompartmentNarrowing;
import org.portico.fhir.authz.ScopeAuthorizationInterceptor;
import org.portico.fhir.authz.SecurityLabelsInUse;
import org.portico.fhir.authz.SensitiveData;
import org.portico.fhir.authz.SourceRecords;
import org.portico.fhir.authz.TokenAccess;
import org.portico.fhir.capability.BulkDataCapability;
import org.portico.fhir.capability.SmartCapabilityInterceptor;
import org.portico.fhir.capability.SmartConfigurationServlet;
import org.portico.fhir.capability.UnsupportedSearchParamFilter;
import org.portico.fhir.capability.UsCoreCapabilityInterceptor;
import org.portico.fhir.ig.UsCoreContract;
import org.portico.fhir.ingest.IngestAuthorization;
import org.portico.fhir.ingest.IngestProvider;
import org.portico.fhir.ingest.LinkReviewProvider;
import org.portico.fhir.ingest.PullJwksServlet;
import org.portico.fhir.ingest.PullProvider;
import org.portico.fhir.operations.BulkExportLocations;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.JwksKeySource;
import org.portico.fhir.security.RevokedGrants;
import org.portico.fhir.security.TokenValidator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/** The FHIR REST API at {@code /fhir}: HAPI's RestfulServer with Portico's security interceptors. */
@Configuration(proxyBeanMethods = false)
class FhirServletConfig {

    static final String FHIR_PATH = "/fhir";

    @Bean(destroyMethod = "close")
    RevokedGrants revokedGrants(PorticoFhirProperties properties) {
        PorticoFhirProperties.Auth auth = properties.auth();
        return new RevokedGrants(auth.effectiveRevocationFeedUri(), auth.revocationPollInterval(),
                        auth.revocationMaxStaleness(), auth.revocationRetention(), Clock.systemUTC())
                .start();
    }

    @Bean
    TokenValidator tokenValidator(PorticoFhirProperties properties, RevokedGrants revokedGrants) {
        PorticoFhirProperties.Auth auth = properties.auth();
        JwksKeySource keys = new JwksKeySource(auth.effectiveJwksUri(), auth.jwksRefetchInterval());
        return new TokenValidator(keys, revokedGrants, auth.issuer(), properties.baseUrl(), auth.clockSkew());
    }

    @Bean
    TokenAccess tokenAccess(IFhirSystemDao<?, ?> systemDao, SearchParamMatcher searchParamMatcher, DaoRegistry daos) {
        return new TokenAccess(systemDao.getContext(),
                (criteria, resource) -> {
                    var result = searchParamMatcher.match(criteria, resource, new SystemRequestDetails());
                    return result.supported() && result.matched();
                },
                ActingFor.claimed(),
                new StoredTargetOwners(daos),
                new StoredReferrers(daos));
    }

    @Bean
    BulkExportAuthorization bulkExportAuthorization(TokenAccess tokenAccess, IJobCoordinator jobs, PorticoFhirProperties properties) {
        return new BulkExportAuthorization(tokenAccess, jobs, properties.bulk().retryAfter());
    }

    @Bean
    RestfulServer restfulServer(
            IFhirSystemDao<?, ?> systemDao,
            ResourceProviderFactory resourceProviders,
            JpaSystemProvider systemProvider,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider,
            TokenValidator tokenValidator,
            TokenAccess tokenAccess,
            PorticoFhirProperties properties,
            AuditCaptureInterceptor auditCapture,
            AuditEventWriteGuard auditWriteGuard,
            AuditEventProvider auditEvents,
            BulkDataExportProvider bulkExport,
            BulkExportAuthorization bulkAuthorization,
            UsCoreContract usCore,
            DirectoryEntries directoryEntries,
            BulkExportLocations bulkLocations,
            IngestProvider ingest,
            LinkReviewProvider linkReview,
            PullProvider pull,
            IngestAuthorization ingestAuthorization,
            DataSource dataSource) {
        systemDao.getContext().setNarrativeGenerator(new NullNarrativeGenerator());
        RestfulServer server = new RestfulServer(systemDao.getContext());
        // AuditEvents come from the audit log (ADR 0012), not from HAPI's tables
        server.registerProviders(resourceProviders.createProviders().stream()
                .filter(p -> !(p instanceof IResourceProvider r && r.getResourceType() == AuditEvent.class))
                .toList());
        server.registerProvider(auditEvents);
        server.registerProvider(systemProvider);
        // Bulk Data export (ADR 0013): HAPI's provider and batch2 job, Portico's rules
        server.registerProvider(bulkExport);
        // sources and ingestion (ADR 0017)
        server.registerProvider(ingest);
        server.registerProvider(linkReview);
        // pulling from sources' Bulk Data export (ADR 0022)
        server.registerProvider(pull);
        JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        capabilities.setImplementationDescription("Portico FHIR server");
        // counts span every patient; the public CapabilityStatement must not reveal them
        capabilities.setIncludeResourceCounts(false);
        server.setServerConformanceProvider(capabilities);
        server.setPagingProvider(pagingProvider);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerAddressStrategy(new HardcodedServerAddressStrategy(properties.baseUrl().toString()));
        // order matters only within a pointcut; each interceptor declares its hook order
        server.registerInterceptor(new BearerTokenInterceptor(tokenValidator, properties.baseUrl()));
        server.registerInterceptor(new PatientCompartmentNarrowing(tokenAccess));
        server.registerInterceptor(new GranularSearchNarrowing(tokenAccess));
        server.registerInterceptor(new SensitiveData(tokenAccess, new SecurityLabelsInUse(dataSource)));
        server.registerInterceptor(new DirectoryNarrowing(tokenAccess, directoryEntries));
        ScopeAuthorizationInterceptor authorization = new ScopeAuthorizationInterceptor(tokenAccess, bulkAuthorization,
                List.of(ingestAuthorization));
        server.registerInterceptor(authorization);
        server.registerInterceptor(bulkAuthorization);
        server.registerInterceptor(bulkLocations);
        server.registerInterceptor(new SourceRecords(tokenAccess));
        server.registerInterceptor(new IncludeFilter(authorization));
        server.registerInterceptor(new MalformedSearchInterceptor());
        server.registerInterceptor(new SearchSizeLimit());
        server.registerInterceptor(new SmartCapabilityInterceptor(properties.auth().issuer()));
        server.registerInterceptor(new UsCoreCapabilityInterceptor(usCore, validationSupport));
        server.registerInterceptor(new UnsupportedSearchParamFilter(searchParamRegistry));
        server.registerInterceptor(new AuditEventCapability());
        server.registerInterceptor(new BulkDataCapability());
        // audit (ADR 0005): its hooks run after the authorization hooks on each pointcut
        server.registerInterceptor(auditWriteGuard);
        server.registerInterceptor(auditCapture);
        return server;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    ServletRegistrationBean<SmartConfigurationServlet> smartConfigurationServlet(PorticoFhirProperties properties) {
        // an exact servlet mapping wins over the FHIR servlet's path mapping
        ServletRegistrationBean<SmartConfigurationServlet> registration = new ServletRegistrationBean<>(
                new SmartConfigurationServlet(properties.auth().issuer()),
                FHIR_PATH + SmartConfigurationServlet.PATH);
        registration.setName("smart-configuration");
        return registration;
    }

    @Bean
    ServletRegistrationBean<PullJwksServlet> pullJwksServletRegistration(PullJwksServlet servlet) {
        // a longer path mapping wins over the FHIR servlet's (ADR 0022)
        ServletRegistrationBean<PullJwksServlet> registration = new ServletRegistrationBean<>(servlet, FHIR_PATH + PullJwksServlet.PATH + "/*");
        registration.setName("pull-jwks");
        return registration;
    }

    /** Browser apps call the API from any origin with a Bearer token (no cookies, so no credentials). */
    @Bean
    FilterRegistrationBean<CorsFilter> fhirCorsFilter() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.addAllowedOriginPattern("*");
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "Prefer", "If-Match",
                "If-None-Match", "If-None-Exist", "If-Modified-Since", "X-Requested-With"));
        cors.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        // the filter itself is mapped to /fhir/* only
        source.registerCorsConfiguration("/**", cors);
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.addUrlPatterns(FHIR_PATH + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
