package org.portico.auth.staff;

import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The staff audit trail ({@code staff_audit}): who (staff account id) did what to which patient or
 * account, and when. No PHI beyond the ids and no secrets in {@code detail}.
 */
@Repository
public class StaffAudit {

    /** One row. */
    public record Entry(long at, String staffUserId, String action, String patientId, String userId, String detail) {}

    private final JdbcClient jdbc;
    private final Clock clock;

    @Autowired
    public StaffAudit(JdbcClient jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    StaffAudit(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(String staffUserId, String action, String patientId, String userId, String detail) {
        jdbc.sql("INSERT INTO staff_audit (at, staff_user_id, action, patient_id, user_id, detail) VALUES (?, ?, ?, ?, ?, ?)")
                .params(clock.millis(), staffUserId, action, patientId, userId, detail)
                .update();
    }

    /** The latest entries, newest first. */
    public List<Entry> latest(int limit) {
        return jdbc.sql("SELECT at, staff_user_id, action, patient_id, user_id, detail FROM staff_audit ORDER BY id DESC LIMIT ?")
                .param(limit)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)))
                .list();
    }
}
