package org.portico.fhir.audit;

import javax.sql.DataSource;
import org.portico.fhir.config.PorticoFhirProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit trail (ADR 0005, ADR 0012): the audit log tables, capture interceptor, write guard and AuditEvent provider. */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

    @Bean
    AuditSchema auditSchema(DataSource dataSource, PorticoFhirProperties properties) {
        return AuditSchema.migrate(dataSource, properties.db().isPostgres() ? properties.db().schema() : null);
    }

    @Bean
    AuditLog auditLog(DataSource dataSource, AuditSchema schema) {
        return new AuditLog(dataSource);
    }

    @Bean
    BalpAuditEvents balpAuditEvents(PorticoFhirProperties properties) {
        return new BalpAuditEvents(properties.baseUrl(), properties.auth().issuer());
    }

    @Bean
    AuditEventProvider auditEventProvider(AuditLog log, BalpAuditEvents events) {
        return new AuditEventProvider(log, events);
    }

    @Bean
    AuditCaptureInterceptor auditCaptureInterceptor(AuditLog log) {
        return new AuditCaptureInterceptor(log);
    }

    @Bean
    AuditEventWriteGuard auditEventWriteGuard() {
        return new AuditEventWriteGuard();
    }
}
