package org.portico.fhir.ingest;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The pull configurations and the pull runs ({@code portico_pull_source}, {@code portico_pull_run}, ADR 0022).
 * Every statement commits on its own: a run's row says {@code running} before anything is pulled, and
 * only its final update to {@code completed} makes its transaction time the next {@code _since}.
 */
public final class PullSources {

    private static final String COLUMNS = "source_id, export_url, token_url, client_id, key_ref, scope, types, interval_seconds";

    private final JdbcTemplate jdbc;

    public PullSources(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<PullSource> bySource(String sourceId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_pull_source WHERE source_id = ?", PullSources::row, sourceId)
                .stream().findFirst();
    }

    public List<PullSource> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_pull_source ORDER BY source_id", PullSources::row);
    }

    void save(PullSource pull, Instant now) {
        Object[] values = {pull.exportUrl().toString(), pull.tokenUrl() == null ? null : pull.tokenUrl().toString(), pull.clientId(),
                pull.keyRef(), pull.scope(), String.join("\n", pull.types()), pull.interval().toSeconds(), Timestamp.from(now),
                pull.sourceId()};
        int updated = jdbc.update("UPDATE portico_pull_source SET export_url = ?, token_url = ?, client_id = ?, key_ref = ?, scope = ?,"
                + " types = ?, interval_seconds = ?, updated = ? WHERE source_id = ?", values);
        if (updated == 0) {
            jdbc.update("INSERT INTO portico_pull_source (export_url, token_url, client_id, key_ref, scope, types, interval_seconds,"
                    + " updated, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values);
        }
    }

    /** Takes the source for one pull until {@code until}; false when another pull holds it. */
    boolean lease(String sourceId, Instant now, Instant until) {
        return jdbc.update("UPDATE portico_pull_source SET lease_until = ? WHERE source_id = ? AND (lease_until IS NULL OR lease_until < ?)",
                Timestamp.from(until), sourceId, Timestamp.from(now)) == 1;
    }

    void renew(String sourceId, Instant until) {
        jdbc.update("UPDATE portico_pull_source SET lease_until = ? WHERE source_id = ?", Timestamp.from(until), sourceId);
    }

    void release(String sourceId) {
        jdbc.update("UPDATE portico_pull_source SET lease_until = NULL WHERE source_id = ?", sourceId);
    }

    /** The {@code _since} of the next pull: the transaction time of the last completed run, if any. */
    Optional<Instant> since(String sourceId) {
        Timestamp last = jdbc.queryForObject("SELECT max(transaction_time) FROM portico_pull_run WHERE source_id = ? AND state = ?",
                Timestamp.class, sourceId, PullReport.State.COMPLETED.code());
        return Optional.ofNullable(last).map(Timestamp::toInstant);
    }

    /** When the last run started, if any. */
    Optional<Instant> lastStarted(String sourceId) {
        Timestamp last = jdbc.queryForObject("SELECT max(started) FROM portico_pull_run WHERE source_id = ?", Timestamp.class, sourceId);
        return Optional.ofNullable(last).map(Timestamp::toInstant);
    }

    /** A run left {@code running} by a crashed instance (the lease was free again) never completes. */
    void abandonRunning(String sourceId, Instant now) {
        jdbc.update("UPDATE portico_pull_run SET state = ?, finished = ?, error = ? WHERE source_id = ? AND state = ?",
                PullReport.State.ABANDONED.code(), Timestamp.from(now), "the instance running this pull stopped before it finished",
                sourceId, PullReport.State.RUNNING.code());
    }

    void started(String runId, String sourceId, String trigger, Instant started, Instant since) {
        jdbc.update("INSERT INTO portico_pull_run (id, source_id, state, trigger_kind, started, since) VALUES (?, ?, ?, ?, ?, ?)",
                runId, sourceId, PullReport.State.RUNNING.code(), trigger, Timestamp.from(started), since == null ? null : Timestamp.from(since));
    }

    void finished(PullReport report, String json) {
        jdbc.update("UPDATE portico_pull_run SET state = ?, finished = ?, transaction_time = ?, error = ?, report = ? WHERE id = ?",
                report.state().code(), Timestamp.from(report.finished()),
                report.transactionTime() == null ? null : Timestamp.from(report.transactionTime()),
                report.error() == null ? null : truncate(report.error(), 4000), json, report.runId());
    }

    /** The source's latest runs, newest first: the stored report, or for a run without one what its row says. */
    List<PullReport> runs(String sourceId, int limit) {
        return jdbc.query("SELECT id, state, trigger_kind, started, finished, since, transaction_time, error, report FROM portico_pull_run"
                + " WHERE source_id = ? ORDER BY started DESC, id LIMIT ?", (rs, i) -> {
                    String report = rs.getString("report");
                    if (report != null) {
                        return PullReport.fromJson(report);
                    }
                    return new PullReport(rs.getString("id"), sourceId, PullReport.State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                            rs.getString("trigger_kind"), instant(rs, "started"), instant(rs, "finished"), instant(rs, "since"),
                            instant(rs, "transaction_time"), rs.getString("error"), List.of(), List.of(), List.of());
                }, sourceId, limit);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static PullSource row(ResultSet rs, int i) throws SQLException {
        String types = rs.getString("types");
        String token = rs.getString("token_url");
        return new PullSource(rs.getString("source_id"), URI.create(rs.getString("export_url")), token == null ? null : URI.create(token),
                rs.getString("client_id"), rs.getString("key_ref"), rs.getString("scope"),
                types == null || types.isEmpty() ? List.of() : Arrays.asList(types.split("\n")),
                Duration.ofSeconds(rs.getLong("interval_seconds")));
    }
}
