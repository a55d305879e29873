-- Issuing CAs replaced by a renewal under the root: they issue nothing more, and keep answering
-- (their CRL, OCSP, their certificate under /pki/ca/) for what they issued.
CREATE TABLE retired_issuing_cas (
    sha256      VARCHAR(64) PRIMARY KEY,
    der         BYTEA       NOT NULL,
    key_id      VARCHAR(36) NOT NULL REFERENCES sealed_keys (id),
    retired_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
