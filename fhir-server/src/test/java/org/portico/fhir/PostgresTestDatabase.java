package org.portico.fhir;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for this test run, created next to the one named by
 * {@code PORTICO_TEST_DB_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user
 * {@code postgres}) and dropped when the JVM exits.
 */
public final class PostgresTestDatabase {

    private static final java.util.Map<String, PostgresTestDatabase> INSTANCES = new java.util.HashMap<>();

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;

    private PostgresTestDatabase() {
        adminUrl = env("PORTICO_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        user = env("PORTICO_TEST_DB_USER", "postgres");
        password = env("PORTICO_TEST_DB_PASSWORD", "");
        name = "portico_fhir_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
    }

    public static synchronized PostgresTestDatabase get() {
        return get("default");
    }

    /** A database of its own for a group of tests that write, so that they cannot disturb the others. */
    public static synchronized PostgresTestDatabase get(String purpose) {
        return INSTANCES.computeIfAbsent(purpose, p -> new PostgresTestDatabase());
    }

    public String url() {
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL for the integration tests (" + adminUrl + "): " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
