package org.portico.fhir.config;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the HAPI tables with HAPI's own migrator (the same tasks as the HAPI CLI's
 * {@code migrate-database}); Hibernate never changes the schema. Already applied tasks are
 * recorded in {@value #MIGRATION_TABLE} and skipped on the next start.
 */
public final class SchemaMigration {

    static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

    private SchemaMigration() {}

    static SchemaMigration run(DataSource dataSource, PorticoFhirProperties.Db db) {
        DriverTypeEnum driver = db.isPostgres() ? DriverTypeEnum.POSTGRES_9_4 : DriverTypeEnum.H2_EMBEDDED;
        long start = System.nanoTime();
        HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, dataSource, driver);
        migrator.createMigrationTableIfRequired();
        migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
        MigrationResult result = migrator.migrate();
        log.info("HAPI schema ({}) up to date: {} migration task(s) applied in {} ms",
                driver, result.succeededTasks.size(), (System.nanoTime() - start) / 1_000_000);
        return new SchemaMigration();
    }
}
