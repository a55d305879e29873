-- How many ACME orders an account may place in an hour (the platform admin's to set; 300 by default).
ALTER TABLE acme_account_settings ADD COLUMN orders_per_hour INTEGER DEFAULT 300 NOT NULL;
ALTER TABLE acme_account_settings ADD CONSTRAINT acme_account_settings_orders
    CHECK (orders_per_hour BETWEEN 1 AND 100000);
