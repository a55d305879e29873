-- Everything the platform CA has signed, kept after the chain or the account is gone, so the CA
-- can always answer for a serial it issued (OCSP, CRLs, revocation by the platform admin).
CREATE TABLE issued_certificates (
    issuer_sha256      VARCHAR(64)   NOT NULL,
    serial             VARCHAR(64)   NOT NULL,
    subject            VARCHAR(4000) NOT NULL,
    dns_names          VARCHAR(4000) NOT NULL,
    not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_for         VARCHAR(32)   NOT NULL,
    account_id         VARCHAR(36),
    chain_id           VARCHAR(36),
    sha256             VARCHAR(64)   NOT NULL,
    issued_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at         TIMESTAMP WITH TIME ZONE,
    revocation_reason  VARCHAR(32),
    PRIMARY KEY (issuer_sha256, serial),
    CONSTRAINT issued_certificates_for CHECK (issued_for IN ('TLS_SERVER', 'TOKEN_SIGNING', 'NODE_SERVER', 'ISSUING_CA')),
    CONSTRAINT issued_certificates_revocation CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX issued_certificates_chain_idx ON issued_certificates (chain_id);
CREATE INDEX issued_certificates_account_idx ON issued_certificates (account_id);
CREATE INDEX issued_certificates_revoked_idx ON issued_certificates (revoked_at);
