-- How many revocations each CA of the platform has seen: a revocation increments its issuer's
-- row in the transaction that records it (a row apart from the CRL's, so a revocation never
-- waits for a CRL being stored).
CREATE TABLE crl_revisions (
    issuer_sha256   VARCHAR(64) PRIMARY KEY,
    revision        BIGINT      NOT NULL
);

-- The CRL of each CA, shared by every node: a node that finds built_revision behind the CA's
-- revision (or next_update near) builds the next CRL and stores it under the next crl_number, if
-- no other node stored that number first. Every node serves the stored one.
CREATE TABLE crls (
    issuer_sha256   VARCHAR(64) PRIMARY KEY,
    built_revision  BIGINT      NOT NULL,
    crl_number      BIGINT      NOT NULL,
    this_update     TIMESTAMP WITH TIME ZONE,
    next_update     TIMESTAMP WITH TIME ZONE,
    entries         INTEGER     NOT NULL,
    der             BYTEA
);

-- The delegated OCSP responder of each CA (id-kp-OCSPSigning, short-lived): one per CA, shared
-- by every node, replaced by whichever node renews it first.
CREATE TABLE ocsp_responders (
    issuer_sha256    VARCHAR(64) PRIMARY KEY,
    certificate_der  BYTEA       NOT NULL,
    key_id           VARCHAR(36) NOT NULL REFERENCES sealed_keys (id),
    not_after        TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE issued_certificates DROP CONSTRAINT issued_certificates_for;
ALTER TABLE issued_certificates ADD CONSTRAINT issued_certificates_for
    CHECK (issued_for IN ('TLS_SERVER', 'TOKEN_SIGNING', 'NODE_SERVER', 'ISSUING_CA', 'OCSP_RESPONDER'));
-- a CRL reads the revoked certificates of one issuer
CREATE INDEX issued_certificates_issuer_revoked_idx ON issued_certificates (issuer_sha256, revoked_at);
