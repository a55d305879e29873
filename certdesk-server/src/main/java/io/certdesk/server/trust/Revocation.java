package io.certdesk.server.trust;

/** How an account's outbound connections check that the server's certificates are not revoked. */
public enum Revocation {
    /** Not checked. */
    OFF,
    /** OCSP, else the CRL; a revoked certificate fails, no answer passes (the default). */
    SOFT_FAIL,
    /** As SOFT_FAIL, but no answer fails too. */
    HARD_FAIL
}
