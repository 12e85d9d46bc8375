-- ADR 0022: sources Portico pulls from (Bulk Data $export as a backend-services client) and the runs
-- of those pulls. A run's transaction_time becomes the next run's _since only once the run completed,
-- so a crash or a failure mid-pull never skips data. No key material here: key_ref names a key file
-- in the configured key folder or an environment variable.
-- Portable SQL: PostgreSQL and H2 2.x.
CREATE TABLE portico_pull_source (
    source_id         VARCHAR(64)   NOT NULL PRIMARY KEY,
    export_url        VARCHAR(2048) NOT NULL,
    -- NULL: discovered from the source's .well-known/smart-configuration
    token_url         VARCHAR(2048),
    client_id         VARCHAR(255)  NOT NULL,
    key_ref           VARCHAR(255)  NOT NULL,
    scope             VARCHAR(1024) NOT NULL,
    -- the _type list, one per line; empty: every type the source exports
    types             VARCHAR(4000) NOT NULL,
    -- 0: pulled on request only
    interval_seconds  BIGINT        NOT NULL,
    -- one pull per source at a time, across instances; a crashed instance's lease runs out
    lease_until       TIMESTAMP WITH TIME ZONE,
    updated           TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE portico_pull_run (
    id                VARCHAR(36)   NOT NULL PRIMARY KEY,
    source_id         VARCHAR(64)   NOT NULL,
    -- running | completed | failed | abandoned
    state             VARCHAR(16)   NOT NULL,
    -- manual | scheduled
    trigger_kind      VARCHAR(16)   NOT NULL,
    started           TIMESTAMP WITH TIME ZONE NOT NULL,
    finished          TIMESTAMP WITH TIME ZONE,
    since             TIMESTAMP WITH TIME ZONE,
    transaction_time  TIMESTAMP WITH TIME ZONE,
    error             VARCHAR(4000),
    -- the run's report (JSON): files and units with their counts and rejections
    report            TEXT
);

CREATE INDEX portico_pull_run_source ON portico_pull_run (source_id, state, started);
