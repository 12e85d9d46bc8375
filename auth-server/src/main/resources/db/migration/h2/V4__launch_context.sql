-- Issue 3, EHR launch, patient picker and granular consent.

-- The patients a user may act for besides their own (users.patient_id, always first), e.g. a parent
-- for a child. A plain list for now; the proxy model with its rules comes later.
CREATE TABLE user_patients (
    user_id varchar(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    patient_id varchar(64) NOT NULL,
    display_name varchar(200) NOT NULL,
    sort_order integer NOT NULL,
    PRIMARY KEY (user_id, patient_id)
);

-- EHR (portal) launch values: opaque, single-use, short-lived; bound to a client, a user, a patient and
-- an optional encounter. Only a SHA-256 of the value is stored.
CREATE TABLE ehr_launches (
    value_hash varchar(64) NOT NULL,
    client_id varchar(100) NOT NULL,
    user_id varchar(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    patient_id varchar(64) NOT NULL,
    encounter_id varchar(64) DEFAULT NULL,
    created_at timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
    expires_at timestamp NOT NULL,
    used_at timestamp DEFAULT NULL,
    PRIMARY KEY (value_hash)
);
CREATE INDEX ehr_launches_expires ON ehr_launches (expires_at);

-- The launch context of one grant (patient picked or launched with, encounter), read when tokens
-- are minted from it, refreshes included; goes with the grant.
CREATE TABLE authorization_launch_context (
    authorization_id varchar(100) NOT NULL REFERENCES oauth2_authorization (id) ON DELETE CASCADE,
    patient_id varchar(64) DEFAULT NULL,
    encounter_id varchar(64) DEFAULT NULL,
    ehr_launch boolean NOT NULL,
    PRIMARY KEY (authorization_id)
);

-- Granular scopes (patient/Observation.rs?category=http://...|laboratory) are long: a grant of a few
-- dozen of them does not fit SAS's varchar(1000) columns.
ALTER TABLE oauth2_authorization ALTER COLUMN authorized_scopes SET DATA TYPE varchar(20000);
ALTER TABLE oauth2_authorization ALTER COLUMN access_token_scopes SET DATA TYPE varchar(20000);
ALTER TABLE oauth2_authorization_consent ALTER COLUMN authorities SET DATA TYPE varchar(20000);
