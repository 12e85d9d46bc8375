package org.portico.fhir.audit;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the audit log tables with Flyway, from {@code db/audit}, with its own
 * history table next to the HAPI tables (which HAPI's migrator owns). The schema is not empty
 * when this runs, so Flyway starts from a baseline at version 0.
 */
public final class AuditSchema {

    static final String HISTORY_TABLE = "portico_audit_schema_history";
    private static final Logger log = LoggerFactory.getLogger(AuditSchema.class);

    private AuditSchema() {}

    public static AuditSchema migrate(DataSource dataSource, String postgresSchemaOrNull) {
        var config = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/audit")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0");
        if (postgresSchemaOrNull != null) {
            config.schemas(postgresSchemaOrNull);
        }
        MigrateResult result = config.load().migrate();
        log.info("audit log schema up to date: {} migration(s) applied", result.migrationsExecuted);
        return new AuditSchema();
    }
}
