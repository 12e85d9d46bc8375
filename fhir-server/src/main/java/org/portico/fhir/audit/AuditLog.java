package org.portico.fhir.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log (ADR 0012): one row per audited FHIR request in {@value #TABLE}, and one row per
 * patient it concerns in {@value #PATIENT_TABLE}, kept and served as AuditEvents by
 * {@link AuditEventProvider}. Plain JDBC through Spring's {@link JdbcTemplate}, so an insert made
 * inside a HAPI write transaction joins that transaction. An insert outside any transaction (reads,
 * searches, failures) is group-committed ({@link GroupCommit}): the rows of concurrent requests share
 * one round trip and one commit, and each request still waits until its own row is committed. On
 * PostgreSQL a group is one statement ({@link #PG_INSERT_GROUP}: both tables, every row passed as an
 * array per column, committed by itself), which costs the database a fraction of a transaction of
 * batched inserts; elsewhere (H2 in unit tests) it is a transaction of two JDBC batches.
 */
public final class AuditLog {

    static final String TABLE = "portico_audit_log";
    static final String PATIENT_TABLE = "portico_audit_log_patient";
    /** The most rows one group commit takes. */
    static final int MAX_GROUP = 256;
    /**
     * How long the writer of a group waits for more rows when the last group showed concurrent
     * requests: a commit costs the database far more than a row, so under load fewer, bigger groups
     * give more requests per second for at most this much latency per request (a lone request never
     * waits). Measured with {@code bin/bench enforcement} (issue 4 note).
     */
    static final long GATHER_NANOS = 200_000;
    /** The longest FHIR id; a longer "patient id" is not one and is not indexed. */
    static final int MAX_ID = 64;

    private static final String COLUMNS = "id, recorded, interaction, http_status, request_method, resource_type, "
            + "request_url, client_id, user_sub, fhir_user, patients, resources, source_address, request_id, detail, shown_labels";
    private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String INSERT_PATIENT = "INSERT INTO " + PATIENT_TABLE + " (patient_id, recorded, event_id) VALUES (?,?,?)";
    /** PostgreSQL element types of the columns, in {@link #COLUMNS} order. */
    private static final String[] PG_TYPES = {"varchar", "timestamptz", "varchar", "int4", "varchar", "varchar", "varchar",
            "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar"};
    /**
     * A whole group in one statement: a data-modifying WITH runs to completion whether or not the outer
     * statement reads it, and a single statement outside a transaction commits atomically.
     */
    static final String PG_INSERT_GROUP = "WITH events AS (INSERT INTO " + TABLE + " (" + COLUMNS + ") SELECT * FROM unnest("
            + String.join(", ", Arrays.stream(PG_TYPES).map(t -> "?::" + t + "[]").toList()) + ")) "
            + "INSERT INTO " + PATIENT_TABLE + " (patient_id, recorded, event_id) "
            + "SELECT * FROM unnest(?::varchar[], ?::timestamptz[], ?::varchar[])";

    /**
     * Which events a search wants.
     *
     * @param patients    events concerning, for each list, at least one of its patients (an AND of
     *                    ORs, as repeated and comma-separated search parameters mean); empty for every event
     * @param from        recorded at or after this instant, or null
     * @param to          recorded at or before this instant, or null
     * @param newestFirst order by recorded time descending (else ascending)
     * @param withheld    the labels the reader may not see: only events that named no resource carrying
     *                    one of them, so that nothing a reader may not see shows through what others did
     *                    (ADR 0021); empty for every event
     */
    public record Query(List<List<String>> patients, Instant from, Instant to, boolean newestFirst, java.util.Set<String> withheld) {

        public Query {
            patients = patients.stream().map(List::copyOf).toList();
            withheld = withheld == null ? java.util.Set.of() : java.util.Set.copyOf(withheld);
        }

        public Query(List<List<String>> patients, Instant from, Instant to, boolean newestFirst) {
            this(patients, from, to, newestFirst, java.util.Set.of());
        }
    }

    /** How many commits the rows written outside a transaction took so far. */
    public record GroupCommits(long commits, long rows) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final GroupCommit<AuditRecord> group;
    private final boolean postgres;

    public AuditLog(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.postgres = isPostgres(jdbc);
        this.group = new GroupCommit<>(postgres ? this::insertGroupStatement : this::insertBatch, MAX_GROUP, GATHER_NANOS);
    }

    private static boolean isPostgres(JdbcTemplate jdbc) {
        String product = jdbc.execute((Connection c) -> c.getMetaData().getDatabaseProductName());
        return "PostgreSQL".equalsIgnoreCase(product);
    }

    /**
     * Stores the record; returns only once the database has it (or throws). Inside a transaction the
     * rows join it (committed or rolled back with the write they record); otherwise they are
     * committed with the rows of concurrent requests.
     */
    public void insert(AuditRecord r) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            jdbc.update(INSERT, values(r));
            List<Object[]> patients = patientRows(r);
            if (!patients.isEmpty()) {
                jdbc.batchUpdate(INSERT_PATIENT, patients);
            }
        } else {
            group.submit(r);
        }
    }

    /** Group commits so far (benchmarks and tests). */
    public GroupCommits groupCommits() {
        return new GroupCommits(group.batches(), group.items());
    }

    public Optional<AuditRecord> find(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?", AuditLog::row, id).stream().findFirst();
    }

    /** One page of the events a query matches. */
    public List<AuditRecord> search(Query q, int offset, int count) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + where(q, args)
                + " ORDER BY recorded " + (q.newestFirst() ? "DESC" : "ASC") + ", id " + (q.newestFirst() ? "DESC" : "ASC")
                + " LIMIT ? OFFSET ?";
        args.add(count);
        args.add(offset);
        return jdbc.query(sql, AuditLog::row, args.toArray());
    }

    /** How many events a query matches. */
    public int count(Query q) {
        List<Object> args = new ArrayList<>();
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE + where(q, args), Integer.class, args.toArray());
        return n == null ? 0 : n;
    }

    /** All events (operators and tests). */
    public long size() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE, Long.class);
        return n == null ? 0 : n;
    }

    private static String where(Query q, List<Object> args) {
        List<String> clauses = new ArrayList<>();
        for (List<String> anyOf : q.patients()) {
            StringBuilder in = new StringBuilder("id IN (SELECT event_id FROM " + PATIENT_TABLE + " WHERE patient_id IN (");
            for (int i = 0; i < anyOf.size(); i++) {
                in.append(i == 0 ? "?" : ",?");
                args.add(anyOf.get(i));
            }
            clauses.add(in.append("))").toString());
        }
        if (q.from() != null) {
            clauses.add("recorded >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            clauses.add("recorded <= ?");
            args.add(Timestamp.from(q.to()));
        }
        for (String label : q.withheld().stream().sorted().toList()) {
            clauses.add("(shown_labels IS NULL OR shown_labels NOT LIKE ? ESCAPE '!')");
            args.add("%," + label.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ",%");
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    /** One transaction, one round trip per table (JDBC batches), one commit. */
    private void insertBatch(List<AuditRecord> records) {
        List<Object[]> rows = new ArrayList<>(records.size());
        List<Object[]> patients = new ArrayList<>();
        for (AuditRecord r : records) {
            rows.add(values(r));
            patients.addAll(patientRows(r));
        }
        tx.executeWithoutResult(status -> {
            jdbc.batchUpdate(INSERT, rows);
            if (!patients.isEmpty()) {
                jdbc.batchUpdate(INSERT_PATIENT, patients);
            }
        });
    }

    /** PostgreSQL: the group as one self-committing statement, one round trip. */
    private void insertGroupStatement(List<AuditRecord> records) {
        int n = records.size();
        Object[][] columns = new Object[PG_TYPES.length][n];
        List<Object[]> patients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] values = values(records.get(i));
            for (int c = 0; c < values.length; c++) {
                columns[c][i] = values[c];
            }
            patients.addAll(patientRows(records.get(i)));
        }
        jdbc.execute((Connection c) -> {
            try (PreparedStatement ps = c.prepareStatement(PG_INSERT_GROUP)) {
                int p = 1;
                for (int col = 0; col < PG_TYPES.length; col++) {
                    ps.setArray(p++, c.createArrayOf(PG_TYPES[col], columns[col]));
                }
                String[] types = {"varchar", "timestamptz", "varchar"};
                for (int col = 0; col < types.length; col++) {
                    Object[] column = new Object[patients.size()];
                    for (int i = 0; i < column.length; i++) {
                        column[i] = patients.get(i)[col];
                    }
                    ps.setArray(p++, c.createArrayOf(types[col], column));
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static List<Object[]> patientRows(AuditRecord r) {
        Timestamp recorded = Timestamp.from(r.recorded());
        return r.patients().stream()
                .filter(p -> p != null && !p.isBlank() && p.length() <= MAX_ID)
                .distinct()
                .map(p -> new Object[] {p, recorded, r.id()})
                .toList();
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
                cut(r.detail(), 1024),
                labels(r.shownLabels())};
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
                rs.getString("detail"),
                labels(rs.getString("shown_labels")));
    }

    /** {@code ,a,b,} (sorted; {@code ,} for none), so that a label is found with {@code LIKE '%,label,%'}. */
    static String labels(java.util.Set<String> labels) {
        return labels == null ? null : "," + String.join(",", labels.stream().sorted().toList()) + (labels.isEmpty() ? "" : ",");
    }

    private static java.util.Set<String> labels(String stored) {
        if (stored == null) {
            return null;
        }
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        for (String label : stored.split(",")) {
            if (!label.isEmpty()) {
                labels.add(label);
            }
        }
        return labels;
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
