package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.time.Clock;
import javax.sql.DataSource;
import org.portico.fhir.audit.AuditSchema;
import org.portico.fhir.authz.TokenAccess;
import org.portico.fhir.config.PorticoFhirProperties;
import org.portico.fhir.labels.SecurityLabeler;
import org.portico.fhir.matching.MatchReviews;
import org.portico.fhir.matching.MatchScorer;
import org.portico.fhir.matching.Nicknames;
import org.portico.fhir.matching.PatientLinks;
import org.portico.fhir.matching.PatientMatcher;
import org.portico.fhir.matching.ScoringMatcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Sources, ingestion and matching (ADR 0017). The tables come with the audit schema's migrations. */
@Configuration(proxyBeanMethods = false)
class IngestConfig {

    @Bean
    SourceRegistry sourceRegistry(DataSource dataSource, AuditSchema schema) {
        return new SourceRegistry(new JdbcTemplate(dataSource));
    }

    @Bean
    PatientLinks patientLinks(DataSource dataSource, AuditSchema schema) {
        return new PatientLinks(new JdbcTemplate(dataSource));
    }

    @Bean
    PatientMatcher patientMatcher(DaoRegistry daos, PatientLinks links) {
        return new ScoringMatcher(new StoredCandidates(daos, links), new MatchScorer(Nicknames.load()));
    }

    @Bean
    MatchReviews matchReviews(DataSource dataSource, AuditSchema schema) {
        return new MatchReviews(new JdbcTemplate(dataSource));
    }

    @Bean
    PatientLinking patientLinking(FhirContext fhir, DaoRegistry daos, DataSource dataSource, EntityManagerFactory entityManagers,
            PatientLinks links, MatchReviews reviews, PatientMatcher matcher, SourceRegistry registry) {
        var entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagers);
        Relinker relinker = new Relinker(fhir, daos, entityManager, new JdbcTemplate(dataSource),
                () -> registry.all().stream().map(Source::recordIdSystem).collect(java.util.stream.Collectors.toSet()));
        return new PatientLinking(daos, entityManager, links, reviews, matcher, registry, relinker, Clock.systemUTC());
    }

    @Bean
    LinkDecisions linkDecisions(DaoRegistry daos, PlatformTransactionManager transactions, SourceRegistry registry, PatientLinks links,
            MatchReviews reviews, PatientLinking linking) {
        return new LinkDecisions(daos, new TransactionTemplate(transactions), registry, links, reviews, linking, Clock.systemUTC());
    }

    @Bean
    LinkReviewProvider linkReviewProvider(LinkDecisions decisions) {
        return new LinkReviewProvider(decisions);
    }

    @Bean
    SourceAdministration sourceAdministration(DaoRegistry daos, SourceRegistry registry, PlatformTransactionManager transactions,
            PorticoFhirProperties properties) {
        return new SourceAdministration(daos, registry, new TransactionTemplate(transactions), properties.baseUrl(), Clock.systemUTC());
    }

    @Bean
    Ingestor ingestor(FhirContext fhir, DaoRegistry daos, PlatformTransactionManager transactions, EntityManagerFactory entityManagers,
            PatientLinks links, PatientLinking linking, SourceAdministration administration, SourceRegistry registry,
            IValidationSupport validationSupport, PorticoFhirProperties properties, SecurityLabeler labeler,
            ca.uhn.fhir.jpa.model.config.PartitionSettings partitionSettings) {
        return new Ingestor(fhir, daos, new TransactionTemplate(transactions),
                SharedEntityManagerCreator.createSharedEntityManager(entityManagers), links, linking,
                new IngestValidation(fhir, validationSupport, properties.ingest().validation()),
                administration::porticoOrganizationId, registry::lockForUnit, Clock.systemUTC(), labeler,
                partitionSettings);
    }

    @Bean
    IngestAuthorization ingestAuthorization(TokenAccess access, SourceRegistry registry) {
        return new IngestAuthorization(access, registry);
    }

    @Bean
    IngestProvider ingestProvider(FhirContext fhir, SourceAdministration administration, IngestAuthorization authorization, Ingestor ingestor) {
        return new IngestProvider(fhir, administration, authorization, ingestor);
    }
}
