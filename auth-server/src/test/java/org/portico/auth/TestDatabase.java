package org.portico.auth;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database per test run ({@code portico_auth_it_<random>}), created on first use
 * on the server of {@code PORTICO_TEST_DB_URL} and dropped when the JVM exits.
 */
final class TestDatabase {

    static final String ADMIN_URL = env("PORTICO_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = env("PORTICO_TEST_DB_USER", "postgres");
    static final String PASSWORD = env("PORTICO_TEST_DB_PASSWORD", "");

    private static String url;

    private TestDatabase() {}

    static synchronized String url() {
        if (url == null) {
            String name = "portico_auth_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            execute("CREATE DATABASE " + name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
            int slash = ADMIN_URL.lastIndexOf('/');
            int query = ADMIN_URL.indexOf('?', slash);
            url = ADMIN_URL.substring(0, slash + 1) + name + (query >= 0 ? ADMIN_URL.substring(query) : "");
        }
        return url;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " is needed for the integration tests: " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
