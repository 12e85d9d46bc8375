package org.portico.conformance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A throw-away PostgreSQL database, created through the server's maintenance database and dropped
 * (with any connections still open to it) on {@link #close()}.
 */
public final class PostgresDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;

    private PostgresDatabase(String adminUrl, String user, String password, String name) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /** Creates {@code <prefix><random>} on the server of {@code adminUrl} (a {@code jdbc:postgresql://host:port/db} URL). */
    public static PostgresDatabase create(String adminUrl, String user, String password, String prefix) {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        PostgresDatabase database = new PostgresDatabase(adminUrl, user, password, name);
        database.execute("CREATE DATABASE " + name);
        return database;
    }

    public String name() {
        return name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The JDBC URL of this database: the admin URL with the database name replaced, its parameters kept. */
    public String jdbcUrl() {
        String prefix = "jdbc:postgresql://";
        if (!adminUrl.startsWith(prefix)) {
            throw new IllegalStateException("Not a jdbc:postgresql:// URL: " + adminUrl);
        }
        String rest = adminUrl.substring(prefix.length());
        int query = rest.indexOf('?');
        String params = query < 0 ? "" : rest.substring(query);
        String hostAndDb = query < 0 ? rest : rest.substring(0, query);
        int slash = hostAndDb.indexOf('/');
        String host = slash < 0 ? hostAndDb : hostAndDb.substring(0, slash);
        return prefix + host + "/" + name + params;
    }

    @Override
    public void close() {
        // FORCE (PostgreSQL 13+) ends connections a killed server may have left behind
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + adminUrl + " as " + user + ": " + sql + " failed: "
                    + e.getMessage() + " (set PORTICO_TEST_DB_URL / PORTICO_TEST_DB_USER / PORTICO_TEST_DB_PASSWORD)", e);
        }
    }
}
