-- Device enrollment by SCEP (RFC 8894) and EST (RFC 7030) for an account's devices (printers, terminals): the account's settings, the
-- challenge passwords its admins made (kept as SHA-256 hashes: they are random, shown once), the
-- requests devices sent (a transaction is answered the same way when it comes again, and one held
-- for an admin waits here), and the platform's registration authority, which devices encrypt
-- their requests to and which signs every answer.
CREATE TABLE scep_settings (
    account_id    VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    enabled       BOOLEAN     NOT NULL,
    profile       VARCHAR(32) NOT NULL,
    validity_days INTEGER     NOT NULL,
    foreign_names VARCHAR(16) NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT scep_settings_foreign_names CHECK (foreign_names IN ('REFUSE', 'HOLD'))
);

CREATE TABLE scep_passwords (
    id          VARCHAR(36)  PRIMARY KEY,
    account_id  VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        VARCHAR(16)  NOT NULL,
    secret_hash VARCHAR(64)  NOT NULL,
    label       VARCHAR(200),
    created_by  VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE,
    used_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT scep_passwords_kind CHECK (kind IN ('STATIC', 'ONE_TIME'))
);
CREATE UNIQUE INDEX scep_passwords_secret_idx ON scep_passwords (secret_hash);
CREATE INDEX scep_passwords_account_idx ON scep_passwords (account_id, created_at);

CREATE TABLE scep_requests (
    id             VARCHAR(36)   PRIMARY KEY,
    account_id     VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    transaction_id VARCHAR(128)  NOT NULL,
    message_type   VARCHAR(16)   NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    subject        VARCHAR(1000) NOT NULL,
    dns_names      VARCHAR(4000) NOT NULL,
    csr_der        BYTEA         NOT NULL,
    signer_sha256  VARCHAR(64)   NOT NULL,
    signer_der     BYTEA         NOT NULL,
    issuer_sha256  VARCHAR(64),
    serial         VARCHAR(64),
    reason         VARCHAR(1000),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE,
    decided_by     VARCHAR(200),
    CONSTRAINT scep_requests_status CHECK (status IN ('PENDING', 'ISSUED', 'REJECTED'))
);
-- a transaction is its ID and the certificate that signs it: clients derive the ID from the key, so
-- a renewal for the same key comes with the same ID, signed by the certificate it renews
CREATE UNIQUE INDEX scep_requests_transaction_idx ON scep_requests (transaction_id, signer_sha256, account_id);
CREATE INDEX scep_requests_status_idx ON scep_requests (account_id, status, created_at);

CREATE TABLE scep_ras (
    id              VARCHAR(36) PRIMARY KEY,
    certificate_der BYTEA       NOT NULL,
    key_id          VARCHAR(36) NOT NULL REFERENCES sealed_keys (id),
    not_after       TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE issued_certificates DROP CONSTRAINT issued_certificates_for;
ALTER TABLE issued_certificates ADD CONSTRAINT issued_certificates_for
    CHECK (issued_for IN ('TLS_SERVER', 'TOKEN_SIGNING', 'NODE_SERVER', 'ISSUING_CA', 'OCSP_RESPONDER', 'SIGNED_REQUEST',
                          'ACME', 'SCEP', 'EST', 'SCEP_RA'));
