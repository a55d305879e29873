-- An EC issuing CA under the platform root signs EC leaves. NULL: the root is EC and its one
-- issuing CA signs everything.
ALTER TABLE platform_ca ADD COLUMN ec_issuing_der BYTEA;
ALTER TABLE platform_ca ADD COLUMN ec_issuing_key_id VARCHAR(36) REFERENCES sealed_keys (id);
