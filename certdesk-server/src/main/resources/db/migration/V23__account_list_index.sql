-- The account list a page at a time, oldest first (the platform admin's walks every account).
CREATE INDEX accounts_created_idx ON accounts (created_at, id);
