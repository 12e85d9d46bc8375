-- One row per audited FHIR request, written in the request thread (or in the transaction of a
-- write) and turned into an AuditEvent by AuditOutboxWorker, which then deletes it.
-- Portable SQL: PostgreSQL and H2 2.x.
CREATE TABLE portico_audit_outbox (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    recorded        TIMESTAMP WITH TIME ZONE NOT NULL,
    interaction     VARCHAR(32)  NOT NULL,
    http_status     INTEGER      NOT NULL,
    request_method  VARCHAR(16),
    resource_type   VARCHAR(64),
    request_url     VARCHAR,
    client_id       VARCHAR(255),
    user_sub        VARCHAR(255),
    fhir_user       VARCHAR(1024),
    patients        VARCHAR,
    resources       VARCHAR,
    source_address  VARCHAR(64),
    request_id      VARCHAR(64),
    detail          VARCHAR(1024),
    attempts        INTEGER      DEFAULT 0 NOT NULL
);

CREATE INDEX portico_audit_outbox_recorded ON portico_audit_outbox (recorded);
