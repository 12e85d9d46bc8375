package org.portico.fhir.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit outbox table ({@value #TABLE}): a synchronous INSERT per audited request, read and
 * deleted in batches by {@link AuditOutboxWorker}. Plain JDBC through Spring's {@link JdbcTemplate},
 * so an insert made inside a HAPI write transaction joins that transaction. An insert outside any
 * transaction (reads, searches, failures) is group-committed ({@link GroupCommit}): the rows of
 * concurrent requests share one round trip and one commit, and each request still waits until its
 * own row is committed.
 */
public final class AuditOutbox {

    static final String TABLE = "portico_audit_outbox";
    /** A row that failed this many drains is left for an operator instead of blocking the others. */
    static final int MAX_ATTEMPTS = 5;

    private static final String COLUMNS = "id, recorded, interaction, http_status, request_method, resource_type, "
            + "request_url, client_id, user_sub, fhir_user, patients, resources, source_address, request_id, detail";
    private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    /** The most rows one group commit takes. */
    static final int MAX_GROUP = 256;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final String selectBatch;
    private final GroupCommit<AuditRecord> group;

    public AuditOutbox(DataSource dataSource, boolean postgres) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.group = new GroupCommit<>(this::insertBatch, MAX_GROUP);
        // SKIP LOCKED lets several fhir-server instances drain the same outbox without taking the same rows
        this.selectBatch = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE attempts < " + MAX_ATTEMPTS
                + " ORDER BY recorded LIMIT ?" + (postgres ? " FOR UPDATE SKIP LOCKED" : "");
    }

    /**
     * Stores the record; returns only once the database has it (or throws). Inside a transaction the
     * row joins it (committed or rolled back with the write it records); otherwise it is committed
     * with the rows of concurrent requests.
     */
    public void insert(AuditRecord r) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            jdbc.update(INSERT, values(r));
        } else {
            group.submit(r);
        }
    }

    /** How many commits the rows written outside a transaction took so far. */
    public record GroupCommits(long commits, long rows) {}

    /** Group commits so far (benchmarks and tests). */
    public GroupCommits groupCommits() {
        return new GroupCommits(group.batches(), group.items());
    }

    /** One transaction, one round trip (a JDBC batch), one commit. */
    private void insertBatch(List<AuditRecord> records) {
        List<Object[]> rows = records.stream().map(AuditOutbox::values).toList();
        tx.executeWithoutResult(status -> jdbc.batchUpdate(INSERT, rows));
    }

    private static Object[] values(AuditRecord r) {
        return new Object[] {
                r.id(),
                Timestamp.from(r.recorded()),
                r.interaction(),
                r.httpStatus(),
                cut(r.requestMethod(), 16),
                cut(r.resourceType(), 64),
                r.requestUrl(),
                cut(r.clientId(), 255),
                cut(r.userSubject(), 255),
                cut(r.fhirUser(), 1024),
                join(r.patients()),
                join(r.resources()),
                cut(r.sourceAddress(), 64),
                cut(r.requestId(), 64),
                cut(r.detail(), 1024)};
    }

    /** The oldest rows, locked for this transaction on PostgreSQL. */
    List<AuditRecord> oldest(int limit) {
        return jdbc.query(selectBatch, AuditOutbox::row, limit);
    }

    void delete(List<String> ids) {
        jdbc.batchUpdate("DELETE FROM " + TABLE + " WHERE id = ?", ids.stream().map(id -> new Object[] {id}).toList());
    }

    void markFailed(String id) {
        jdbc.update("UPDATE " + TABLE + " SET attempts = attempts + 1 WHERE id = ?", id);
    }

    /** Rows waiting to become AuditEvents (including those that keep failing). */
    public long pending() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE, Long.class);
        return n == null ? 0 : n;
    }

    private static AuditRecord row(ResultSet rs, int rowNum) throws SQLException {
        return new AuditRecord(
                rs.getString("id"),
                rs.getTimestamp("recorded").toInstant(),
                rs.getString("interaction"),
                rs.getInt("http_status"),
                rs.getString("request_method"),
                rs.getString("resource_type"),
                rs.getString("request_url"),
                rs.getString("client_id"),
                rs.getString("user_sub"),
                rs.getString("fhir_user"),
                split(rs.getString("patients")),
                split(rs.getString("resources")),
                rs.getString("source_address"),
                rs.getString("request_id"),
                rs.getString("detail"));
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? null : String.join(" ", values);
    }

    private static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.split(" "));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
