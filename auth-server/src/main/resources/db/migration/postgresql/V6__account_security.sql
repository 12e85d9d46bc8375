-- Sign-in protection (ADR 0018): failed sign-ins and lockouts per account, unknown username (SHA-256) and
-- client address, shared by every server behind the load balancer.
CREATE TABLE login_throttle (
    subject_kind varchar(16) NOT NULL,
    subject varchar(100) NOT NULL,
    failures integer NOT NULL,
    last_failure_at timestamp with time zone NOT NULL,
    locked_until timestamp with time zone,
    PRIMARY KEY (subject_kind, subject)
);

-- Browsers each account has signed in from (SHA-256 of a random cookie value), for new-device notices.
CREATE TABLE known_browsers (
    user_id varchar(100) NOT NULL,
    browser_hash varchar(64) NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    PRIMARY KEY (user_id, browser_hash)
);

-- Second factors (ADR 0018), keyed by users.id. The TOTP secret is base32; last_used_step makes each code
-- count once. Recovery codes and remembered-device tokens are stored as SHA-256 hex only.
CREATE TABLE mfa_totp (
    user_id varchar(100) NOT NULL PRIMARY KEY,
    secret varchar(64) NOT NULL,
    last_used_step bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE TABLE mfa_recovery_codes (
    user_id varchar(100) NOT NULL,
    code_hash varchar(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE mfa_remembered_devices (
    id varchar(36) NOT NULL PRIMARY KEY,
    user_id varchar(100) NOT NULL,
    token_hash varchar(64) NOT NULL,
    description varchar(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX mfa_remembered_devices_token ON mfa_remembered_devices (token_hash);
CREATE INDEX mfa_remembered_devices_user ON mfa_remembered_devices (user_id);

-- Browser sessions (Spring Session JDBC's own schema, as it ships it for this database), shared by every
-- server behind the load balancer; PRINCIPAL_NAME finds a user's sessions for "sign out everywhere".
CREATE TABLE SPRING_SESSION (
    PRIMARY_ID CHAR(36) NOT NULL,
    SESSION_ID CHAR(36) NOT NULL,
    CREATION_TIME BIGINT NOT NULL,
    LAST_ACCESS_TIME BIGINT NOT NULL,
    MAX_INACTIVE_INTERVAL INT NOT NULL,
    EXPIRY_TIME BIGINT NOT NULL,
    PRINCIPAL_NAME VARCHAR(100),
    CONSTRAINT SPRING_SESSION_PK PRIMARY KEY (PRIMARY_ID)
);
CREATE UNIQUE INDEX SPRING_SESSION_IX1 ON SPRING_SESSION (SESSION_ID);
CREATE INDEX SPRING_SESSION_IX2 ON SPRING_SESSION (EXPIRY_TIME);
CREATE INDEX SPRING_SESSION_IX3 ON SPRING_SESSION (PRINCIPAL_NAME);

CREATE TABLE SPRING_SESSION_ATTRIBUTES (
    SESSION_PRIMARY_ID CHAR(36) NOT NULL,
    ATTRIBUTE_NAME VARCHAR(200) NOT NULL,
    ATTRIBUTE_BYTES BYTEA NOT NULL,
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_PK PRIMARY KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME),
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_FK FOREIGN KEY (SESSION_PRIMARY_ID) REFERENCES SPRING_SESSION(PRIMARY_ID) ON DELETE CASCADE
);

-- Passkeys: Spring Security's WebAuthn JDBC schema as it ships it. user_entities.name is the username; a
-- passkey (user_credentials) belongs to the user entity of that name.
CREATE TABLE user_entities (
    id varchar(1000) NOT NULL,
    name varchar(100) NOT NULL,
    display_name varchar(200),
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX user_entities_name ON user_entities (name);

CREATE TABLE user_credentials (
    credential_id varchar(1000) NOT NULL,
    user_entity_user_id varchar(1000) NOT NULL,
    public_key bytea NOT NULL,
    signature_count bigint,
    uv_initialized boolean,
    backup_eligible boolean NOT NULL,
    authenticator_transports varchar(1000),
    public_key_credential_type varchar(100),
    backup_state boolean NOT NULL,
    attestation_object bytea,
    attestation_client_data_json bytea,
    created timestamp,
    last_used timestamp,
    label varchar(1000) NOT NULL,
    PRIMARY KEY (credential_id)
);
CREATE INDEX user_credentials_user ON user_credentials (user_entity_user_id);
