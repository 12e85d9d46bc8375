-- Dynamically registered apps (RFC 7591) bring their own redirect URIs, scopes (granular SMART scopes
-- are long) and metadata (an inline JWK set, contacts...), kept in SAS's client settings JSON: SAS's
-- varchar(1000)/varchar(2000) columns are too small for them.
ALTER TABLE oauth2_registered_client ALTER COLUMN redirect_uris TYPE text;
ALTER TABLE oauth2_registered_client ALTER COLUMN scopes TYPE text;
ALTER TABLE oauth2_registered_client ALTER COLUMN client_settings TYPE text;
ALTER TABLE oauth2_authorization ALTER COLUMN authorized_scopes TYPE text;
ALTER TABLE oauth2_authorization ALTER COLUMN access_token_scopes TYPE text;
ALTER TABLE oauth2_authorization_consent ALTER COLUMN authorities TYPE text;
