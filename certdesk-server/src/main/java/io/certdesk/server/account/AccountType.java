package io.certdesk.server.account;

/** A tenant is a vendor, or a customer that belongs to exactly one vendor. */
public enum AccountType {
    VENDOR,
    CUSTOMER
}
