-- Refresh tokens replaced by rotation (SHA-256, never the token itself), to detect their reuse.
CREATE TABLE rotated_refresh_tokens (
    token_hash varchar(64) NOT NULL,
    authorization_id varchar(100) NOT NULL,
    rotated_at timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (token_hash)
);
CREATE INDEX rotated_refresh_tokens_authorization ON rotated_refresh_tokens (authorization_id);
