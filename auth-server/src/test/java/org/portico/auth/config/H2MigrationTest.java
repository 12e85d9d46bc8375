package org.portico.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The embedded (H2) migrations run, and V5 leaves the client columns big enough for registered apps. */
class H2MigrationTest {

    @Test
    void whenMigratedThenRegisteredClientColumnsHoldLongValues() throws Exception {
        String url = "jdbc:h2:mem:migration-test;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/h2").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                ResultSet columns = c.getMetaData().getColumns(null, null, "OAUTH2_REGISTERED_CLIENT", "CLIENT_SETTINGS")) {
            assertThat(columns.next()).isTrue();
            assertThat(columns.getInt("COLUMN_SIZE")).isGreaterThanOrEqualTo(65536);
            assertThat(columns.getString("IS_NULLABLE")).isEqualTo("NO");
        }
    }
}
