package io.certdesk.server.chains;

/** Where a private chain came from. */
public enum ChainOrigin {
    IMPORTED,
    GENERATED
}
