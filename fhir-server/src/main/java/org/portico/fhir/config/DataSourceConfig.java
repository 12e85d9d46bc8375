package org.portico.fhir.config;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one connection pool of the HAPI tables: embedded H2 by default, PostgreSQL in its own schema. */
@Configuration(proxyBeanMethods = false)
class DataSourceConfig {

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    @Bean(destroyMethod = "close")
    DataSource dataSource(PorticoFhirProperties properties) throws SQLException {
        PorticoFhirProperties.Db db = properties.db();
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName("portico-fhir");
        ds.setJdbcUrl(db.url());
        ds.setUsername(db.username());
        ds.setPassword(db.password());
        ds.setMaximumPoolSize(db.maxPoolSize());
        if (db.isPostgres()) {
            // search_path may name a schema that does not exist yet; it is created on the first connection
            ds.setSchema(db.schema());
            createSchemaIfMissing(ds, db.schema());
        }
        return ds;
    }

    private static void createSchemaIfMissing(HikariDataSource ds, String schema) throws SQLException {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            ds.close();
            throw new IllegalArgumentException("portico.fhir.db.schema must be a plain lower-case SQL name");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
    }
}
