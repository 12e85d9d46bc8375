package org.portico.fhir.audit;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.portico.fhir.config.PorticoFhirProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The audit trail (ADR 0005): outbox table, capture interceptor, write guard and outbox worker. */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

    /** Audit references (to patients) must never block deleting what they name. */
    static final Set<String> AUDIT_REFERENCE_PATHS = Set.of(
            "AuditEvent.entity.what", "AuditEvent.agent.who",
            "AuditEvent.entity.what.where(resolve() is Patient)", "AuditEvent.agent.who.where(resolve() is Patient)");

    @Bean
    AuditSchema auditSchema(DataSource dataSource, PorticoFhirProperties properties) {
        return AuditSchema.migrate(dataSource, properties.db().isPostgres() ? properties.db().schema() : null);
    }

    @Bean
    AuditOutbox auditOutbox(DataSource dataSource, AuditSchema schema, PorticoFhirProperties properties) {
        return new AuditOutbox(dataSource, properties.db().isPostgres());
    }

    @Bean
    BalpAuditEvents balpAuditEvents(PorticoFhirProperties properties) {
        return new BalpAuditEvents(properties.baseUrl(), properties.auth().issuer());
    }

    @Bean
    AuditCaptureInterceptor auditCaptureInterceptor(AuditOutbox outbox) {
        return new AuditCaptureInterceptor(outbox);
    }

    @Bean
    AuditEventWriteGuard auditEventWriteGuard() {
        return new AuditEventWriteGuard();
    }

    @Bean
    AuditOutboxWorker auditOutboxWorker(AuditOutbox outbox, DaoRegistry daos, PlatformTransactionManager txManager,
                                        BalpAuditEvents events, PorticoFhirProperties properties,
                                        JpaStorageSettings storageSettings) {
        Set<String> paths = new HashSet<>(storageSettings.getEnforceReferentialIntegrityOnDeleteDisableForPaths());
        paths.addAll(AUDIT_REFERENCE_PATHS);
        storageSettings.setEnforceReferentialIntegrityOnDeleteDisableForPaths(paths);
        return new AuditOutboxWorker(outbox, daos.getResourceDao(AuditEvent.class), txManager, events,
                properties.audit().drainInterval(), properties.audit().batchSize());
    }
}
