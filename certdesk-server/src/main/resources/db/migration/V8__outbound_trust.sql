-- Outbound trust: a vendor may share a trusted CA with its customers; each account chooses how
-- revocation is checked and whether the JDK's public roots are trusted besides its own CAs.
ALTER TABLE trusted_cas ADD COLUMN share_with_customers BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE accounts ADD COLUMN trust_revocation VARCHAR(16) DEFAULT 'SOFT_FAIL' NOT NULL;
ALTER TABLE accounts ADD COLUMN trust_public_roots BOOLEAN DEFAULT FALSE NOT NULL;
