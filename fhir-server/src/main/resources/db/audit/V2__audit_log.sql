-- ADR 0012: the audit table is the audit log itself. Its rows are kept (no worker turns them into
-- HAPI AuditEvent resources any more) and served as BALP AuditEvents by AuditEventProvider.
-- Portable SQL: PostgreSQL and H2 2.x.
ALTER TABLE portico_audit_outbox RENAME TO portico_audit_log;
ALTER TABLE portico_audit_log DROP COLUMN attempts;
ALTER INDEX portico_audit_outbox_recorded RENAME TO portico_audit_log_recorded;

-- Which patients each event concerns: the patient's access log is read newest first from here.
CREATE TABLE portico_audit_log_patient (
    patient_id  VARCHAR(64)  NOT NULL,
    recorded    TIMESTAMP WITH TIME ZONE NOT NULL,
    event_id    VARCHAR(36)  NOT NULL,
    PRIMARY KEY (patient_id, recorded, event_id)
);

CREATE INDEX portico_audit_log_patient_event ON portico_audit_log_patient (event_id);
