package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Clock;
import javax.sql.DataSource;
import org.portico.fhir.audit.AuditSchema;
import org.portico.fhir.config.PorticoFhirProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Pulling from sources' Bulk Data {@code $export} (ADR 0022). The tables come with the audit schema's migrations. */
@Configuration(proxyBeanMethods = false)
class PullConfig {

    @Bean
    PullSources pullSources(DataSource dataSource, AuditSchema schema) {
        return new PullSources(new JdbcTemplate(dataSource));
    }

    @Bean
    PullKeys pullKeys(PorticoFhirProperties properties) {
        return PullKeys.of(properties.ingest().pull().keyDir());
    }

    @Bean
    Puller puller(FhirContext fhir, SourceRegistry registry, PullSources pulls, PullKeys keys, Ingestor ingestor,
            PorticoFhirProperties properties) {
        PorticoFhirProperties.Pull settings = properties.ingest().pull();
        // redirects are followed by BulkClient, which drops the token on the way to another origin
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.httpTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        BulkClient client = new BulkClient(http, new ObjectMapper(), Clock.systemUTC(), settings.httpTimeout(), settings.maxRetryAfter());
        return new Puller(fhir, registry, pulls, keys, client, ingestor, Clock.systemUTC(), settings.timeout(), settings.lease(),
                settings.unitLines());
    }

    @Bean
    PullProvider pullProvider(SourceRegistry registry, PullSources pulls, PullKeys keys, Puller puller, PorticoFhirProperties properties) {
        return new PullProvider(registry, pulls, keys, puller, Clock.systemUTC(), properties.baseUrl());
    }

    @Bean
    PullJwksServlet pullJwksServlet(PullSources pulls, PullKeys keys) {
        return new PullJwksServlet(pulls, keys);
    }

    @Bean
    @ConditionalOnProperty(name = "portico.fhir.ingest.pull.scheduler", havingValue = "true", matchIfMissing = true)
    PullScheduler pullScheduler(PullSources pulls, Puller puller, PorticoFhirProperties properties) {
        return new PullScheduler(pulls, puller, Clock.systemUTC(), properties.ingest().pull().checkInterval());
    }
}
