-- Dynamically registered apps (RFC 7591) bring their own redirect URIs, scopes (granular SMART scopes
-- are long) and metadata (an inline JWK set, contacts...), kept in SAS's client settings JSON: SAS's
-- varchar(1000)/varchar(2000) columns are too small for them.
ALTER TABLE oauth2_registered_client ALTER COLUMN redirect_uris SET DATA TYPE varchar(65536);
ALTER TABLE oauth2_registered_client ALTER COLUMN scopes SET DATA TYPE varchar(65536);
ALTER TABLE oauth2_registered_client ALTER COLUMN client_settings SET DATA TYPE varchar(65536);
ALTER TABLE oauth2_authorization ALTER COLUMN authorized_scopes SET DATA TYPE varchar(65536);
ALTER TABLE oauth2_authorization ALTER COLUMN access_token_scopes SET DATA TYPE varchar(65536);
ALTER TABLE oauth2_authorization_consent ALTER COLUMN authorities SET DATA TYPE varchar(65536);
