-- API clients of an account (RFC 6749 client credentials). The secret is random (256 bits) and
-- only its SHA-256 is stored.
CREATE TABLE api_clients (
    client_id    VARCHAR(64)  PRIMARY KEY,
    account_id   VARCHAR(36)  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         VARCHAR(200) NOT NULL,
    scopes       VARCHAR(1000) NOT NULL,
    secret_hash  VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    secret_set_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX api_clients_account_idx ON api_clients (account_id, created_at);
