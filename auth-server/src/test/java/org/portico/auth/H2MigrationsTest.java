package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The embedded (H2) schema migrates as the PostgreSQL one does; the ITs only run PostgreSQL. */
class H2MigrationsTest {

    @Test
    void whenMigratedOnH2ThenAllVersionsApplyAndNewTablesExist() throws Exception {
        String url = "jdbc:h2:mem:portico-migrations;DB_CLOSE_DELAY=-1";
        var result = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/h2").load().migrate();
        assertThat(result.success).isTrue();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            for (String table : new String[] {"CLIENT_ASSERTION_JTIS", "REVOKED_GRANTS", "OAUTH2_REGISTERED_CLIENT", "ENROLMENT_SECRETS", "STAFF_AUDIT"}) {
                try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
                    assertThat(rs.next()).as(table).isTrue();
                }
            }
            try (ResultSet rs = c.getMetaData().getColumns(null, null, "OAUTH2_REGISTERED_CLIENT", "CLIENT_SETTINGS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("COLUMN_SIZE")).isGreaterThanOrEqualTo(65536);
            }
        }
    }
}
