package io.certdesk.pki.chain;

/** What a private certificate chain may be used for. */
public enum ChainPurpose {
    /** Served over TLS for the account's domains. */
    TLS_SERVER,
    /** Signs the account's API access tokens. */
    TOKEN_SIGNING
}
