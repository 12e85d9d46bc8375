package org.portico.fhir.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.dao.IResourceMetadataExtractorSvc;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceServiceRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.util.IMetaTagSorter;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/** The HAPI FHIR JPA R4 storage layer: HAPI's own configuration plus the few beans it expects from us. */
@Configuration(proxyBeanMethods = false)
@Import({ThreadPoolFactoryConfig.class, JpaR4Config.class, JpaBatch2Config.class, Batch2JobsConfig.class,
    // the in-memory message broker batch2 needs; no subscriptions are enabled
    SubscriptionChannelConfig.class})
class HapiJpaConfig {

    /** HAPI's tag-definition lookup, confined to the caller's session ({@link SessionTagDefinitionDao}). */
    @Bean
    @org.springframework.context.annotation.Primary
    SessionTagDefinitionDao sessionTagDefinitionDao(ca.uhn.fhir.jpa.dao.data.ITagDefinitionDao tagDefinitions,
            ca.uhn.fhir.jpa.util.MemoryCacheService memoryCache) {
        return new SessionTagDefinitionDao(tagDefinitions, memoryCache);
    }

    @Bean
    JpaStorageSettings storageSettings(PorticoFhirProperties properties) {
        JpaStorageSettings settings = new JpaStorageSettings();
        // US Core SearchParameters are installed before any data; no reindex jobs needed for them
        settings.setMarkResourcesForReindexingUponSearchParameterChange(false);
        // US Core ValueSets name SNOMED/LOINC/VSAC content this server does not hold (and we are offline)
        settings.setPreExpandValueSets(false);
        settings.setAllowExternalReferences(false);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        settings.setExpungeEnabled(false);
        settings.setDeleteExpungeEnabled(false);
        settings.setAllowMultipleDelete(false);
        // Bulk Data export (ADR 0013): the task removes expired files; a job is never shared between kick-offs
        settings.setEnableTaskBulkExportJobExecution(true);
        settings.setEnableBulkExportJobReuse(false);
        // a job step that leaves one work chunk starts the next at once instead of at the next maintenance pass
        settings.setJobFastTrackingEnabled(true);
        settings.setBulkExportFileRetentionPeriodHours((int) Math.max(1, properties.bulk().fileRetention().toHours()));
        settings.setEnableTaskBulkImportJobExecution(false);
        settings.setEnableTaskResourceReindexing(false);
        return settings;
    }

    /**
     * HAPI's storage parser with a cache of parsed resources keyed by their stored text (see
     * {@link ParsedResourceCache}); primary, so that every HAPI component that parses stored resources
     * uses it.
     */
    @Bean
    @Primary
    ParsedResourceCache parsedResourceCache(@Value("${portico.fhir.parse-cache.max-chars:4000000}") long maxChars) {
        return new ParsedResourceCache(maxChars);
    }

    /**
     * HAPI's loader of search results with the same cache (see {@link CachedBatchResourceLoader});
     * primary, so that HAPI's search configuration hands it to every search.
     */
    @Bean
    @Primary
    CachedBatchResourceLoader cachedBatchResourceLoader(FhirContext context,
            IResourceMetadataExtractorSvc metadata, ParsedResourceCache cache, ExternallyStoredResourceServiceRegistry externallyStored,
            IMetaTagSorter tagSorter, PartitionSettings partitionSettings, IPartitionLookupSvc partitionLookup) {
        return new CachedBatchResourceLoader(context, metadata, cache, externallyStored, tagSorter, partitionSettings, partitionLookup);
    }

    /**
     * Batch2 moves a job from one gated step to the next in its maintenance pass, once a minute by
     * default: a small export then takes two or three minutes. Portico's exports are small; the pass
     * (one query when no job runs) runs every {@code portico.fhir.bulk.job-maintenance-interval}.
     */
    @Bean
    static BeanPostProcessor batch2MaintenanceInterval(org.springframework.beans.factory.ObjectProvider<PorticoFhirProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof JobMaintenanceServiceImpl maintenance) {
                    maintenance.setScheduledJobFrequencyMillis(properties.getObject().bulk().jobMaintenanceInterval().toMillis());
                }
                return bean;
            }
        };
    }

    @Bean
    PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    SchemaMigration schemaMigration(DataSource dataSource, PorticoFhirProperties properties) {
        return SchemaMigration.run(dataSource, properties.db());
    }

    @Primary
    @Bean
    LocalContainerEntityManagerFactoryBean entityManagerFactory(
            DataSource dataSource,
            SchemaMigration schemaMigration,
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            PorticoFhirProperties properties) {
        LocalContainerEntityManagerFactoryBean emf =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        emf.setPersistenceUnitName("HAPI_PU");
        emf.setDataSource(dataSource);
        Properties jpa = new Properties();
        jpa.put("hibernate.dialect", properties.db().isPostgres()
                ? HapiFhirPostgresDialect.class.getName()
                : HapiFhirH2Dialect.class.getName());
        jpa.put("hibernate.hbm2ddl.auto", "none");
        jpa.put("hibernate.search.enabled", "false");
        jpa.put("hibernate.format_sql", "false");
        jpa.put("hibernate.show_sql", "false");
        jpa.put("hibernate.jdbc.batch_size", "20");
        jpa.put("hibernate.cache.use_query_cache", "false");
        jpa.put("hibernate.cache.use_second_level_cache", "false");
        jpa.put("hibernate.cache.use_structured_entries", "false");
        jpa.put("hibernate.cache.use_minimal_puts", "false");
        emf.setJpaProperties(jpa);
        return emf;
    }

    @Primary
    @Bean
    JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    @Bean
    DatabaseBackedPagingProvider databaseBackedPagingProvider() {
        DatabaseBackedPagingProvider paging = new DatabaseBackedPagingProvider();
        paging.setDefaultPageSize(20);
        paging.setMaximumPageSize(200);
        return paging;
    }

    @Bean
    IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
        return new DaoRegistryResourceSupportedSvc(daoRegistry);
    }
}
