-- Issue 9, ADR 0019: proxy access as data. Who may act for whom (a parent for a child, a caregiver for
-- an adult), at which level, from when until when, by whose decision and under which jurisdiction rule.
-- Versioned: a change (revocation, suspension at 18, narrowing at the state's age) is a new row of the
-- same relationship_id with version + 1; the row it replaces gets superseded_at. The current row of a
-- relationship is the one with superseded_at NULL. Times are epoch milliseconds.
CREATE TABLE proxy_grants (
    id varchar(36) NOT NULL,
    relationship_id varchar(36) NOT NULL,
    version integer NOT NULL,
    proxy_user_id varchar(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    patient_id varchar(64) NOT NULL,
    patient_name varchar(200) NOT NULL,
    -- full | read-only
    access_level varchar(16) NOT NULL,
    valid_from bigint NOT NULL,
    valid_until bigint,
    -- patient | guardian | staff
    decided_by varchar(16) NOT NULL,
    -- the account that decided (the patient, the guardian or the staff member), when known
    decided_by_user_id varchar(36),
    -- the legal document behind a guardian or staff decision (court order, birth certificate, ...)
    document_reference varchar(200),
    -- the jurisdiction rule (jurisdiction-rules.json) that applied when this row was decided
    rule_id varchar(64),
    rule_version integer,
    -- child (below the narrowing age) | adolescent (narrowed) | adult (the patient decided) ; NULL: unknown
    age_phase varchar(16),
    -- from the Patient record when the row was decided (YYYY-MM-DD, state code)
    patient_birth_date varchar(10),
    patient_state varchar(8),
    -- active | suspended | ended
    state varchar(16) NOT NULL,
    -- why this row exists: granted, migrated, narrowed, suspended_at_age, revoked_by_patient, revoked_by_staff, expired
    reason varchar(40) NOT NULL,
    recorded_at bigint NOT NULL,
    superseded_at bigint,
    PRIMARY KEY (id),
    CONSTRAINT proxy_grants_version UNIQUE (relationship_id, version)
);
CREATE INDEX proxy_grants_proxy ON proxy_grants (proxy_user_id);
CREATE INDEX proxy_grants_patient ON proxy_grants (patient_id);

-- the old acting-for list becomes full proxy grants decided by staff (that is how they were set up)
INSERT INTO proxy_grants (id, relationship_id, version, proxy_user_id, patient_id, patient_name, access_level, valid_from,
        decided_by, state, reason, recorded_at)
    SELECT gen_random_uuid()::text, gen_random_uuid()::text, 1, user_id, patient_id, display_name, 'full', 0, 'staff', 'active', 'migrated', 0
    FROM user_patients;
DROP TABLE user_patients;

-- the sensitive-data classes the patient switched on for the app on the consent page (space-separated
-- class codes of jurisdiction-rules.json); survives refreshes with the rest of the launch context
ALTER TABLE authorization_launch_context ADD COLUMN sensitive_classes varchar(400);
