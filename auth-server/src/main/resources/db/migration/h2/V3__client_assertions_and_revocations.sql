-- private_key_jwt: assertion ids (jti) already used, kept until the assertion expires (RFC 7523 section 3).
CREATE TABLE client_assertion_jtis (
    client_id varchar(100) NOT NULL,
    jti varchar(255) NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expires_at ON client_assertion_jtis (expires_at);

-- Revoked grants (portico_grant claim) for the fhir-server's revocation feed; see ADR 0003.
CREATE TABLE revoked_grants (
    grant_id varchar(64) NOT NULL,
    revoked_at bigint NOT NULL,
    PRIMARY KEY (grant_id)
);
CREATE INDEX revoked_grants_revoked_at ON revoked_grants (revoked_at);

-- An inline JWKS lives in the client settings and does not fit in 2000 characters.
ALTER TABLE oauth2_registered_client ALTER COLUMN client_settings SET DATA TYPE varchar(65536);
