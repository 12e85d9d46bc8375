package org.portico.fhir.matching;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The review queue ({@code portico_match_review}, ADR 0017): a source record that might be a known
 * person, on evidence too weak or too ambiguous to link, is stored as a person of its own and queued
 * here, once per (record, unified Patient) pair. An operator confirms or rejects; a rejected pair (and
 * an undone link) stays in the table so that it is never proposed again. Written in the caller's
 * transaction.
 */
public final class MatchReviews {

    public static final String OPEN = "open";
    public static final String CONFIRMED = "confirmed";
    public static final String REJECTED = "rejected";
    /** Open no more because the record was linked another way (a confirmation of another pair, a merge). */
    public static final String CLOSED = "closed";

    /** One queued pair. */
    public record Review(String id, String sourceId, String sourceRecordId, String candidatePatientId, String evidence,
            String state, Instant queued, String decidedBy, Instant decided) {}

    private static final String COLUMNS = "id, source_id, source_record_id, candidate_patient_id, evidence, state, queued, decided_by, decided";

    private final JdbcTemplate jdbc;

    public MatchReviews(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues the pair unless it is known already (open, decided or rejected); answers whether it was queued. */
    public boolean queue(String sourceId, String recordId, String candidatePatientId, String evidence, Instant when) {
        if (pair(sourceId, recordId, candidatePatientId).isPresent()) {
            return false;
        }
        jdbc.update("INSERT INTO portico_match_review (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                UUID.randomUUID().toString(), sourceId, recordId, candidatePatientId, truncate(evidence), OPEN, Timestamp.from(when));
        return true;
    }

    public List<Review> open() {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_match_review WHERE state = ? ORDER BY queued, id",
                MatchReviews::row, OPEN);
    }

    public Optional<Review> byId(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_match_review WHERE id = ?", MatchReviews::row, id).stream().findFirst();
    }

    public Optional<Review> pair(String sourceId, String recordId, String candidatePatientId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM portico_match_review WHERE source_id = ? AND source_record_id = ?"
                + " AND candidate_patient_id = ?", MatchReviews::row, sourceId, recordId, candidatePatientId).stream().findFirst();
    }

    public void decide(String id, String state, String decidedBy, Instant when) {
        jdbc.update("UPDATE portico_match_review SET state = ?, decided_by = ?, decided = ? WHERE id = ?",
                state, decidedBy, Timestamp.from(when), id);
    }

    /** Closes the record's other open reviews (it was linked another way). */
    public void closeOpen(String sourceId, String recordId, String decidedBy, Instant when) {
        jdbc.update("UPDATE portico_match_review SET state = ?, decided_by = ?, decided = ? WHERE source_id = ?"
                + " AND source_record_id = ? AND state = ?", CLOSED, decidedBy, Timestamp.from(when), sourceId, recordId, OPEN);
    }

    /** Records that the record is not the person of {@code candidatePatientId}: never proposed again. */
    public void reject(String sourceId, String recordId, String candidatePatientId, String evidence, String decidedBy, Instant when) {
        Optional<Review> existing = pair(sourceId, recordId, candidatePatientId);
        if (existing.isPresent()) {
            decide(existing.get().id(), REJECTED, decidedBy, when);
        } else {
            jdbc.update("INSERT INTO portico_match_review (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), sourceId, recordId, candidatePatientId, truncate(evidence), REJECTED,
                    Timestamp.from(when), decidedBy, Timestamp.from(when));
        }
    }

    private static Review row(ResultSet rs, int i) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided");
        return new Review(rs.getString("id"), rs.getString("source_id"), rs.getString("source_record_id"),
                rs.getString("candidate_patient_id"), rs.getString("evidence"), rs.getString("state"),
                rs.getTimestamp("queued").toInstant(), rs.getString("decided_by"), decided == null ? null : decided.toInstant());
    }

    private static String truncate(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1024);
    }
}
