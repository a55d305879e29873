-- The count of an account's certificates of a kind still in force (checked against the limit on
-- every device signing) read from the index alone, not from rows that carry the certificates.
CREATE INDEX issued_certificates_in_force_idx ON issued_certificates (account_id, issued_for, not_after, revoked_at);
