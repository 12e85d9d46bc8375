package org.portico.fhir.matching;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The link table ({@code portico_patient_link}): which unified Patient each source Patient record
 * belongs to, in which state, on what evidence, decided by whom. Written in the ingest unit's
 * transaction.
 */
public final class PatientLinks {

    /** {@code linked}: the record is the person (ambiguous pairs wait in {@link MatchReviews}, the record linked to a person of its own). */
    public static final String LINKED = "linked";

    public record Link(String sourceId, String sourceRecordId, String unifiedPatientId, String state, String evidence) {}

    private final JdbcTemplate jdbc;

    public PatientLinks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Link> of(String sourceId, String sourceRecordId) {
        return jdbc.query("SELECT source_id, source_record_id, unified_patient_id, state, evidence FROM portico_patient_link"
                        + " WHERE source_id = ? AND source_record_id = ?",
                (rs, i) -> new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                sourceId, sourceRecordId).stream().findFirst();
    }

    /** The unified Patient of each linked source record id among {@code recordIds}. */
    public Map<String, Link> ofRecords(Collection<String> recordIds) {
        Map<String, Link> links = new HashMap<>();
        if (recordIds.isEmpty()) {
            return links;
        }
        String marks = String.join(",", java.util.Collections.nCopies(recordIds.size(), "?"));
        jdbc.query("SELECT source_id, source_record_id, unified_patient_id, state, evidence FROM portico_patient_link"
                        + " WHERE state = '" + LINKED + "' AND source_record_id IN (" + marks + ")",
                (java.sql.ResultSet rs) -> {
                    Link link = new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
                    links.put(link.sourceRecordId(), link);
                }, recordIds.toArray());
        return links;
    }

    public List<Link> ofUnified(String unifiedPatientId) {
        return jdbc.query("SELECT source_id, source_record_id, unified_patient_id, state, evidence FROM portico_patient_link"
                        + " WHERE unified_patient_id = ? ORDER BY source_id, source_record_id",
                (rs, i) -> new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                unifiedPatientId);
    }

    public void insert(Link link, String decidedBy, Instant when) {
        jdbc.update("INSERT INTO portico_patient_link (source_id, source_record_id, unified_patient_id, state, evidence, decided_by, decided)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                link.sourceId(), link.sourceRecordId(), link.unifiedPatientId(), link.state(),
                truncate(link.evidence()), decidedBy, Timestamp.from(when));
    }

    /** Moves the record to another unified Patient (an operator's decision or a source's merge). */
    public void relink(Link link, String decidedBy, Instant when) {
        jdbc.update("UPDATE portico_patient_link SET unified_patient_id = ?, state = ?, evidence = ?, decided_by = ?, decided = ?"
                        + " WHERE source_id = ? AND source_record_id = ?",
                link.unifiedPatientId(), link.state(), truncate(link.evidence()), decidedBy, Timestamp.from(when),
                link.sourceId(), link.sourceRecordId());
    }

    private static String truncate(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1024);
    }
}
