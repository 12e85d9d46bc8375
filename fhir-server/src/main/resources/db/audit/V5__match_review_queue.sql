-- ADR 0017: the review queue of ambiguous matches and the operator's decisions on them.
-- One row per (source record, unified Patient it might be). A rejected pair stays, so it is never
-- proposed again; an undone link leaves a rejected row too.
-- Portable SQL: PostgreSQL and H2 2.x.
CREATE TABLE portico_match_review (
    id                  VARCHAR(36)   NOT NULL PRIMARY KEY,
    source_id           VARCHAR(64)   NOT NULL,
    source_record_id    VARCHAR(64)   NOT NULL,
    candidate_patient_id VARCHAR(64)  NOT NULL,
    evidence            VARCHAR(1024) NOT NULL,
    -- open | confirmed | rejected | closed
    state               VARCHAR(16)   NOT NULL,
    queued              TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_by          VARCHAR(255),
    decided             TIMESTAMP WITH TIME ZONE,
    UNIQUE (source_id, source_record_id, candidate_patient_id)
);

CREATE INDEX portico_match_review_state ON portico_match_review (state, queued);

-- What a unit of the source that breaks US Core gets: reject | accept-with-warnings | off; NULL: the
-- server's setting (portico.fhir.ingest.validation).
ALTER TABLE portico_ingest_source ADD COLUMN validation VARCHAR(32);
