-- Certificate requests made here: a key made and sealed on the platform, its PKCS#10 taken to
-- another CA; the certificate that CA signed, uploaded back, makes it a private chain (origin
-- REQUESTED) with the same sealed key, and the request is gone.
CREATE TABLE certificate_requests (
    id          VARCHAR(36)   PRIMARY KEY,
    account_id  VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_type    VARCHAR(16)   NOT NULL,
    dns_names   VARCHAR(4000) NOT NULL,
    csr_der     BYTEA         NOT NULL,
    key_id      VARCHAR(36)   NOT NULL REFERENCES sealed_keys (id) ON DELETE CASCADE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX certificate_requests_account_idx ON certificate_requests (account_id, created_at, id);
CREATE INDEX certificate_requests_expires_idx ON certificate_requests (expires_at);
CREATE INDEX certificate_requests_key_idx ON certificate_requests (key_id);

ALTER TABLE private_chains DROP CONSTRAINT private_chains_origin;
ALTER TABLE private_chains ADD CONSTRAINT private_chains_origin
    CHECK (origin IN ('IMPORTED', 'GENERATED', 'REQUESTED'));

-- A certificate signed for a key held elsewhere (a device's CSR) keeps its DER, to be downloaded
-- again; it belongs to an account but to no chain.
ALTER TABLE issued_certificates ADD COLUMN der BYTEA;
ALTER TABLE issued_certificates DROP CONSTRAINT issued_certificates_for;
ALTER TABLE issued_certificates ADD CONSTRAINT issued_certificates_for
    CHECK (issued_for IN ('TLS_SERVER', 'TOKEN_SIGNING', 'NODE_SERVER', 'ISSUING_CA', 'OCSP_RESPONDER', 'SIGNED_REQUEST'));
CREATE INDEX issued_certificates_account_issued_idx ON issued_certificates (account_id, issued_for, issued_at);
-- the expiry view reads the signed requests in force by their end
CREATE INDEX issued_certificates_for_end_idx ON issued_certificates (issued_for, not_after);
-- revocation by serial (the account's admins, the platform admin) finds a certificate by index
CREATE INDEX issued_certificates_serial_idx ON issued_certificates (serial);
