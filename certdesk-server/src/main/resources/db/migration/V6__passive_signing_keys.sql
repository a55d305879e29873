-- A signing chain replaced in the PKI settings stays published (PASSIVE) until every token it
-- signed has expired, so replacing the signing chain never breaks a token still in use.
CREATE TABLE passive_signing_keys (
    account_id     VARCHAR(36) NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    chain_id       VARCHAR(36) NOT NULL REFERENCES private_chains (id) ON DELETE CASCADE,
    passive_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (account_id, chain_id)
);
