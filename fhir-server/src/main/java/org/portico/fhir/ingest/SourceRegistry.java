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

    /** Locks the source's row until the caller's transaction ends: no unit of the source is stored meanwhile. */
    public void lock(Source source) {
        jdbc.query("SELECT id FROM portico_ingest_source WHERE id = ? FOR UPDATE", (rs, i) -> rs.getString(1), source.id());
    }

    /**
     * What one unit of the source holds until the caller's transaction ends (ADR 0023): the source's row
     * shared (an operator's link decision, which locks it, waits for the unit and the unit for it), each
     * resource the unit writes exclusively and each earlier resource it refers to shared, by source id
     * ({@code Type/source id}), and the matcher's blocking keys of its Patient records exclusively (whatever
     * the source: two records that could be one person are matched one after the other). Units of one source that write different resources are stored side by side;
     * two units writing the same resource, or one writing what the other refers to, one after the other, so
     * that a resource is never created twice and a reference to what a unit in flight creates waits for it.
     * The keys are transaction-scoped PostgreSQL advisory locks taken in one statement in key order (no
     * deadlock between units); another database (the embedded demo's H2) stores a source's units one at a time.
     */
    public void lockForUnit(Source source, java.util.Collection<String> writes, java.util.Collection<String> reads,
            java.util.Collection<String> people) {
        if (!postgres()) {
            lock(source);
            return;
        }
        jdbc.query("SELECT id FROM portico_ingest_source WHERE id = ? FOR SHARE", (rs, i) -> rs.getString(1), source.id());
        java.util.TreeMap<Long, Boolean> keys = new java.util.TreeMap<>();
        reads.forEach(key -> keys.put(lockKey(source, key), false));
        writes.forEach(key -> keys.put(lockKey(source, key), true));
        people.forEach(key -> keys.put(lockKey("person", key), true));
        if (keys.isEmpty()) {
            return;
        }
        Long[] ids = keys.keySet().toArray(Long[]::new);
        Boolean[] exclusive = keys.values().toArray(Boolean[]::new);
        jdbc.query("SELECT count(*) FROM (SELECT k, x FROM unnest(?::bigint[], ?::boolean[]) AS t(k, x) ORDER BY k) s"
                        + " WHERE (CASE WHEN x THEN pg_advisory_xact_lock(k) IS NULL ELSE pg_advisory_xact_lock_shared(k) IS NULL END) IS NOT NULL",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
                    ps.setArray(2, ps.getConnection().createArrayOf("boolean", exclusive));
                }, rs -> null);
    }

    /** The advisory lock key of one resource of the source: 64 bits of a digest (a collision only makes two units wait). */
    static long lockKey(Source source, String key) {
        return lockKey(source.id(), key);
    }

    private static long lockKey(String space, String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((space + "|" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(digest).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private volatile Boolean postgres;

    private boolean postgres() {
        if (postgres == null) {
            postgres = "PostgreSQL".equalsIgnoreCase(jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName()));
        }
        return postgres;
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
