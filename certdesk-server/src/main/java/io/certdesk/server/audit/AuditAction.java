package io.certdesk.server.audit;

/** What an audit record says was done. */
public enum AuditAction {
    ACCOUNT_CREATED,
    ACCOUNT_DELETED,
    DOMAINS_REPLACED,
    USER_CREATED,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    PLATFORM_CA_CREATED,
    TRUSTED_CA_IMPORTED,
    TRUSTED_CA_DELETED,
    CHAIN_IMPORTED,
    CHAIN_GENERATED,
    CHAIN_DELETED,
    PKI_SETTINGS_CHANGED,
    MASTER_KEY_ROTATED
}
