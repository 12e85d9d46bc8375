package org.portico.fhir.ingest;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Portico's table of registered sources ({@code portico_ingest_source}). Its JDBC work joins the
 * transaction of the caller (the JPA transaction manager exposes its connection), so a registration
 * and its Organization commit together.
 */
public final class SourceRegistry {

    private static final String COLUMNS = "id, name, uri, client_id, organization_id, record_id_system, mrn_systems, validation";

    private final JdbcTemplate jdbc;

    public SourceRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Source> byUri(URI uri) {
        return one("SELECT " + COLUMNS + " FROM portico_ingest_source WHERE uri = ?", uri.toString());
    }

    public Optional<Source> byId(String id) {
        return one("SELECT " + COLUMNS + " FROM portico_ingest_source WHERE id = ?", id);
    }

    public Optional<Source> byClient(String clientId) {
        return one("SELECT " + COLUMNS + " FROM portico_ingest_source WHERE client_id = ?", clientId);
    }

    public List<Source> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_ingest_source ORDER BY name, id", SourceRegistry::row);
    }

    /** The MRN systems of every registered source (strong identifiers for matching). */
    public List<String> allMrnSystems() {
        return all().stream().flatMap(s -> s.mrnSystems().stream()).distinct().toList();
    }

    /** Locks the source's row until the caller's transaction ends: its units are stored one at a time. */
    public void lock(Source source) {
        jdbc.query("SELECT id FROM portico_ingest_source WHERE id = ? FOR UPDATE", (rs, i) -> rs.getString(1), source.id());
    }

    void insert(Source source, Instant now) {
        jdbc.update("INSERT INTO portico_ingest_source (" + COLUMNS + ", registered, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                source.id(), source.name(), source.uri().toString(), source.clientId(), source.organizationId(),
                source.recordIdSystem(), String.join("\n", source.mrnSystems()), validation(source), Timestamp.from(now),
                Timestamp.from(now));
    }

    void update(Source source, Instant now) {
        jdbc.update("UPDATE portico_ingest_source SET name = ?, client_id = ?, organization_id = ?, record_id_system = ?,"
                        + " mrn_systems = ?, validation = ?, updated = ? WHERE id = ?",
                source.name(), source.clientId(), source.organizationId(), source.recordIdSystem(),
                String.join("\n", source.mrnSystems()), validation(source), Timestamp.from(now), source.id());
    }

    private static String validation(Source source) {
        return source.validation() == null ? null : source.validation().name();
    }

    private Optional<Source> one(String sql, String argument) {
        return jdbc.query(sql, SourceRegistry::row, argument).stream().findFirst();
    }

    private static Source row(ResultSet rs, int i) throws SQLException {
        String systems = rs.getString("mrn_systems");
        return new Source(rs.getString("id"), rs.getString("name"), URI.create(rs.getString("uri")), rs.getString("client_id"),
                rs.getString("organization_id"), rs.getString("record_id_system"),
                systems == null || systems.isEmpty() ? List.of() : Arrays.asList(systems.split("\n")),
                rs.getString("validation") == null ? null : IngestValidation.Mode.valueOf(rs.getString("validation")));
    }
}
