-- Per-account token lifetime (seconds, 60 to 86,400), and a signing chain published ahead of
-- its activation: the next key is in the JWKS at once and signs from next_activate_at on.
-- previous_token_lifetime/token_lifetime_changed_at keep the longer lifetime in force for
-- retiring keys until tokens issued under it have expired.
ALTER TABLE pki_settings ADD COLUMN token_lifetime_seconds INTEGER DEFAULT 900 NOT NULL;
ALTER TABLE pki_settings ADD COLUMN previous_token_lifetime_seconds INTEGER DEFAULT 900 NOT NULL;
ALTER TABLE pki_settings ADD COLUMN token_lifetime_changed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE pki_settings ADD COLUMN next_signing_chain_id VARCHAR(36) REFERENCES private_chains (id) ON DELETE SET NULL;
ALTER TABLE pki_settings ADD COLUMN next_activate_at TIMESTAMP WITH TIME ZONE;
