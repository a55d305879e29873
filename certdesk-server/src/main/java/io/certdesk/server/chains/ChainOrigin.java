package io.certdesk.server.chains;

/** Where a private chain came from. */
public enum ChainOrigin {
    /** From a PKCS#12 file: key and chain uploaded together. */
    IMPORTED,
    /** Key made here and the chain issued by the platform CA. */
    GENERATED,
    /** Key made here, the chain signed by another CA for a request (CSR) taken from here, then uploaded back. */
    REQUESTED
}
