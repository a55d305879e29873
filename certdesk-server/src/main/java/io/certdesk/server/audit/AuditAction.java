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
    /** An issuing CA renewed under the root: new issuance moves to the new one. */
    ISSUING_CA_RENEWED,
    TRUSTED_CA_IMPORTED,
    TRUSTED_CA_DELETED,
    TRUSTED_CA_SHARED,
    TRUST_SETTINGS_CHANGED,
    CONNECTION_CHECKED,
    CHAIN_IMPORTED,
    CHAIN_GENERATED,
    CHAIN_DELETED,
    CHAIN_REVOKED,
    /** A key made here and its certificate request (CSR), to be signed by another CA. */
    CHAIN_REQUESTED,
    CHAIN_REQUEST_DELETED,
    /** A device's certificate request signed by the platform CA (the key stays on the device). */
    REQUEST_SIGNED,
    /** A generated chain reissued (by hand or automatically) and its uses moved to the new one. */
    CHAIN_RENEWED,
    CHAIN_RENEWAL_FAILED,
    LIFECYCLE_SETTINGS_CHANGED,
    WEBHOOK_CREATED,
    WEBHOOK_DELETED,
    /** An imported chain its own CA reports revoked (OCSP): no longer served. */
    CHAIN_REVOKED_BY_ISSUER,
    CERTIFICATE_REVOKED,
    /** The platform admin took a backup of the embedded database. */
    BACKUP_MADE,
    ACME_EAB_CREATED,
    ACME_EAB_DELETED,
    ACME_SETTINGS_CHANGED,
    /** An ACME client's account, bound to the Certdesk account by an EAB credential. */
    ACME_ACCOUNT_CREATED,
    ACME_ACCOUNT_DEACTIVATED,
    ACME_CERTIFICATE_ISSUED,
    PKI_SETTINGS_CHANGED,
    API_CLIENT_CREATED,
    API_CLIENT_SECRET_ROTATED,
    API_CLIENT_DELETED,
    MASTER_KEY_ROTATED,
    SCEP_SETTINGS_CHANGED,
    SCEP_PASSWORD_CREATED,
    SCEP_PASSWORD_DELETED,
    /** A device enrolled (or renewed) by SCEP and was issued a certificate. */
    SCEP_CERTIFICATE_ISSUED,
    /** A device's SCEP request held for an admin (names outside the account's domains). */
    SCEP_REQUEST_HELD,
    SCEP_REQUEST_APPROVED,
    /** A device enrolled (or re-enrolled) by EST and was issued a certificate. */
    EST_CERTIFICATE_ISSUED,
    SCEP_REQUEST_REJECTED
}
