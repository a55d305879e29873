-- ACME (RFC 8555) per account. External account binding credentials: the MAC key is sealed like
-- a private key; each credential binds one ACME account, once.
CREATE TABLE acme_eab_keys (
    key_id           VARCHAR(64)  PRIMARY KEY,
    account_id       VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    secret_key_id    VARCHAR(36)  NOT NULL REFERENCES sealed_keys (id) ON DELETE CASCADE,
    description      VARCHAR(200),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    bound_at         TIMESTAMP WITH TIME ZONE,
    acme_account_id  VARCHAR(36)
);
CREATE INDEX acme_eab_keys_account_idx ON acme_eab_keys (account_id, created_at);

CREATE TABLE acme_accounts (
    id              VARCHAR(36)   PRIMARY KEY,
    account_id      VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    jwk_thumbprint  VARCHAR(64)   NOT NULL,
    jwk             VARCHAR(4000) NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    contact         VARCHAR(2000) NOT NULL,
    eab_key_id      VARCHAR(64)   NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT acme_accounts_key UNIQUE (account_id, jwk_thumbprint),
    CONSTRAINT acme_accounts_status CHECK (status IN ('valid', 'deactivated', 'revoked'))
);

CREATE TABLE acme_orders (
    id               VARCHAR(36)   PRIMARY KEY,
    acme_account_id  VARCHAR(36)   NOT NULL REFERENCES acme_accounts (id) ON DELETE CASCADE,
    account_id       VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status           VARCHAR(16)   NOT NULL,
    identifiers      VARCHAR(8000) NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    error            VARCHAR(2000),
    issuer_sha256    VARCHAR(64),
    serial           VARCHAR(64),
    replaces         VARCHAR(200),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT acme_orders_status CHECK (status IN ('pending', 'ready', 'processing', 'valid', 'invalid'))
);
CREATE INDEX acme_orders_account_idx ON acme_orders (acme_account_id, created_at);
CREATE INDEX acme_orders_rate_idx ON acme_orders (account_id, created_at);
CREATE INDEX acme_orders_expires_idx ON acme_orders (expires_at);

CREATE TABLE acme_authorizations (
    id          VARCHAR(36)  PRIMARY KEY,
    order_id    VARCHAR(36)  NOT NULL REFERENCES acme_orders (id) ON DELETE CASCADE,
    identifier  VARCHAR(253) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT acme_authorizations_status CHECK (status IN ('pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked'))
);
CREATE INDEX acme_authorizations_order_idx ON acme_authorizations (order_id);
CREATE INDEX acme_authorizations_expires_idx ON acme_authorizations (expires_at);

CREATE TABLE acme_challenges (
    id            VARCHAR(36)  PRIMARY KEY,
    authz_id      VARCHAR(36)  NOT NULL REFERENCES acme_authorizations (id) ON DELETE CASCADE,
    type          VARCHAR(16)  NOT NULL,
    token         VARCHAR(64)  NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    validated_at  TIMESTAMP WITH TIME ZONE,
    error         VARCHAR(2000),
    CONSTRAINT acme_challenges_status CHECK (status IN ('pending', 'processing', 'valid', 'invalid'))
);
CREATE INDEX acme_challenges_authz_idx ON acme_challenges (authz_id);

-- A nonce is made of a time and a MAC (no row); its use is a row here, so each is taken once on
-- any node. Rows go once the nonce could no longer be valid.
CREATE TABLE acme_used_nonces (
    nonce    VARCHAR(100) PRIMARY KEY,
    used_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX acme_used_nonces_used_idx ON acme_used_nonces (used_at);

-- The platform's ACME secrets (the nonce MAC key), sealed; one row.
CREATE TABLE acme_settings (
    id            INTEGER      PRIMARY KEY,
    nonce_key_id  VARCHAR(36)  NOT NULL REFERENCES sealed_keys (id)
);

-- Whether an account's domains count as validated for its ACME orders (terminals that cannot
-- answer a challenge), chosen by its admins.
CREATE TABLE acme_account_settings (
    account_id             VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    domains_prevalidated   BOOLEAN     NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE issued_certificates DROP CONSTRAINT issued_certificates_for;
ALTER TABLE issued_certificates ADD CONSTRAINT issued_certificates_for
    CHECK (issued_for IN ('TLS_SERVER', 'TOKEN_SIGNING', 'NODE_SERVER', 'ISSUING_CA', 'OCSP_RESPONDER', 'SIGNED_REQUEST', 'ACME'));
