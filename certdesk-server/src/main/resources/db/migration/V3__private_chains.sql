-- A sealed key belongs to an account (NULL: the platform's own keys) and goes with it.
ALTER TABLE sealed_keys ADD COLUMN account_id VARCHAR(36) REFERENCES accounts (id) ON DELETE CASCADE;

CREATE TABLE private_chains (
    id             VARCHAR(36)   PRIMARY KEY,
    account_id     VARCHAR(36)   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    origin         VARCHAR(16)   NOT NULL,
    purposes       VARCHAR(64)   NOT NULL,
    subject        VARCHAR(4000) NOT NULL,
    not_before     TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after      TIMESTAMP WITH TIME ZONE NOT NULL,
    key_algorithm  VARCHAR(16)   NOT NULL,
    key_size       INTEGER       NOT NULL,
    sha256         VARCHAR(64)   NOT NULL,
    key_id         VARCHAR(36)   NOT NULL REFERENCES sealed_keys (id) ON DELETE CASCADE,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT private_chains_origin CHECK (origin IN ('IMPORTED', 'GENERATED'))
);
CREATE INDEX private_chains_account_idx ON private_chains (account_id, created_at, id);

-- The chain's certificates, leaf at position 0.
CREATE TABLE private_chain_certificates (
    chain_id  VARCHAR(36) NOT NULL REFERENCES private_chains (id) ON DELETE CASCADE,
    position  INTEGER     NOT NULL,
    der       BYTEA       NOT NULL,
    PRIMARY KEY (chain_id, position)
);

-- The DNS names of the leaf (wildcards as written), for finding the chains that serve a name.
CREATE TABLE private_chain_names (
    chain_id  VARCHAR(36)  NOT NULL REFERENCES private_chains (id) ON DELETE CASCADE,
    name      VARCHAR(253) NOT NULL,
    PRIMARY KEY (chain_id, name)
);
CREATE INDEX private_chain_names_name_idx ON private_chain_names (name);

CREATE TABLE pki_settings (
    account_id        VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    signing_chain_id  VARCHAR(36) REFERENCES private_chains (id) ON DELETE SET NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which chain serves a domain of the account over TLS.
CREATE TABLE tls_bindings (
    domain      VARCHAR(253) PRIMARY KEY REFERENCES domains (name) ON DELETE CASCADE,
    account_id  VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    chain_id    VARCHAR(36)  NOT NULL REFERENCES private_chains (id) ON DELETE CASCADE
);
CREATE INDEX tls_bindings_account_idx ON tls_bindings (account_id);
