-- ADR 0017: the EHRs that push data (sources) and the links of their Patient records to the unified
-- Patient apps see. Written in the transaction of an ingest unit, next to the HAPI tables.
-- Portable SQL: PostgreSQL and H2 2.x.
CREATE TABLE portico_ingest_source (
    id                VARCHAR(64)   NOT NULL PRIMARY KEY,
    name              VARCHAR(255)  NOT NULL,
    uri               VARCHAR(1024) NOT NULL UNIQUE,
    client_id         VARCHAR(255)  NOT NULL UNIQUE,
    organization_id   VARCHAR(64)   NOT NULL,
    record_id_system  VARCHAR(1024) NOT NULL,
    -- the identifier systems of the source's MRNs, one per line
    mrn_systems       VARCHAR(4000) NOT NULL,
    registered        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated           TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per Patient record of a source: the unified Patient it belongs to and why.
CREATE TABLE portico_patient_link (
    source_id          VARCHAR(64)  NOT NULL,
    source_record_id   VARCHAR(64)  NOT NULL,
    unified_patient_id VARCHAR(64)  NOT NULL,
    state              VARCHAR(16)  NOT NULL,
    evidence           VARCHAR(1024) NOT NULL,
    decided_by         VARCHAR(255) NOT NULL,
    decided            TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (source_id, source_record_id)
);

CREATE INDEX portico_patient_link_unified ON portico_patient_link (unified_patient_id);
