-- Lookups by chain, and the checks of the foreign keys that name a chain when one is deleted, go by
-- index rather than by reading the table (PostgreSQL indexes no referencing column by itself).
CREATE INDEX chain_renewals_renewed_by_idx ON chain_renewals (renewed_by);
CREATE INDEX pki_settings_signing_idx ON pki_settings (signing_chain_id);
CREATE INDEX pki_settings_next_idx ON pki_settings (next_signing_chain_id);
CREATE INDEX tls_bindings_chain_idx ON tls_bindings (chain_id);
CREATE INDEX passive_signing_keys_chain_idx ON passive_signing_keys (chain_id);
