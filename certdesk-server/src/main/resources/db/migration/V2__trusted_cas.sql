-- Trusted CA certificates of an account. What is shown in lists is stored beside the DER, so a
-- list of thousands does not parse a certificate per row.
CREATE TABLE trusted_cas (
    id                   VARCHAR(36)   PRIMARY KEY,
    account_id           VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sha256               VARCHAR(64)   NOT NULL,
    der                  BYTEA         NOT NULL,
    subject              VARCHAR(4000) NOT NULL,
    issuer               VARCHAR(4000) NOT NULL,
    serial_number        VARCHAR(80)   NOT NULL,
    not_before           TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after            TIMESTAMP WITH TIME ZONE NOT NULL,
    is_ca                BOOLEAN       NOT NULL,
    key_algorithm        VARCHAR(16)   NOT NULL,
    key_size             INTEGER       NOT NULL,
    signature_algorithm  VARCHAR(64)   NOT NULL,
    self_signed          BOOLEAN       NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trusted_cas_once UNIQUE (account_id, sha256)
);
CREATE INDEX trusted_cas_account_idx ON trusted_cas (account_id, created_at, id);
