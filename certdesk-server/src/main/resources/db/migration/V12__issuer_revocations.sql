-- Imported chains their own CA reports revoked (OCSP, asked by the TLS edge): never served again.
CREATE TABLE issuer_revocations (
    chain_id       VARCHAR(36)   PRIMARY KEY REFERENCES private_chains (id) ON DELETE CASCADE,
    account_id     VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    revoked_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    reason         VARCHAR(32)   NOT NULL,
    detected_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    responder_url  VARCHAR(2000) NOT NULL
);
CREATE INDEX issuer_revocations_account_idx ON issuer_revocations (account_id);
