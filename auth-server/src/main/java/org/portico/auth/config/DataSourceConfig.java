package org.portico.auth.config;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The auth-server database: {@code PORTICO_AUTH_DB_*} first, then Spring's {@code spring.datasource.*},
 * then the embedded H2 file. On PostgreSQL the tables live in their own schema, created if missing.
 */
@Configuration(proxyBeanMethods = false)
public class DataSourceConfig {

    @Bean
    DataSource dataSource(AuthProperties properties, Environment environment) {
        AuthProperties.Db db = properties.db();
        String url;
        String user;
        String password;
        if (StringUtils.hasText(db.url())) {
            url = db.url();
            user = db.user();
            password = db.password();
        } else if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
            url = environment.getProperty("spring.datasource.url");
            user = environment.getProperty("spring.datasource.username");
            password = environment.getProperty("spring.datasource.password");
        } else {
            url = db.embeddedUrl();
            user = "sa";
            password = "";
        }

        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("portico-auth");
        dataSource.setJdbcUrl(url);
        if (StringUtils.hasText(user)) {
            dataSource.setUsername(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            createSchemaIfMissing(url, user, password, db.schema());
            dataSource.setSchema(db.schema());
        }
        return dataSource;
    }

    private static void createSchemaIfMissing(String url, String user, String password, String schema) {
        Properties info = new Properties();
        if (StringUtils.hasText(user)) {
            info.setProperty("user", user);
        }
        if (StringUtils.hasText(password)) {
            info.setProperty("password", password);
        }
        // the schema name is validated against [a-z_][a-z0-9_]* by AuthProperties
        try (Connection connection = DriverManager.getConnection(url, info);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the auth schema '" + schema + "'", e);
        }
    }
}
