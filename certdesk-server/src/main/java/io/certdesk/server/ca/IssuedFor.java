package io.certdesk.server.ca;

/** What a certificate the platform CA signed is for. */
public enum IssuedFor {
    /** The leaf of a generated TLS_SERVER chain of an account. */
    TLS_SERVER,
    /** The leaf of a generated TOKEN_SIGNING chain of an account. */
    TOKEN_SIGNING,
    /** A node's own HTTPS certificate (for --hostname). */
    NODE_SERVER,
    /** An issuing CA, signed by the root. */
    ISSUING_CA,
    /** A certificate for a key held elsewhere, signed for a request (CSR) an account sent: a device's. */
    SIGNED_REQUEST,
    /** A certificate an ACME client ordered for its own key. */
    ACME,
    /** A certificate a device enrolled for by SCEP (its key is on the device). */
    SCEP,
    /** A certificate a device enrolled for by EST (RFC 7030; its key is on the device). */
    EST,
    /** The platform's SCEP registration authority (RSA), signed by the RSA issuing CA. */
    SCEP_RA,
    /** A CA's delegated OCSP responder (id-kp-OCSPSigning), signed by that CA. */
    OCSP_RESPONDER;

    /** The certificates signed for keys held elsewhere: a device's CSR, an ACME order, a SCEP enrollment. */
    public static final java.util.Set<IssuedFor> HELD_ELSEWHERE =
            java.util.Collections.unmodifiableSet(java.util.EnumSet.of(SIGNED_REQUEST, ACME, SCEP, EST));
}
