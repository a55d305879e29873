package io.certdesk.pki.imports;

/** Why a certificate of a PKCS#12 file became no chain; each a stable code. */
public enum IgnoredReason {
    /** An end-entity certificate without its private key in the file. */
    NO_PRIVATE_KEY("no_private_key"),
    /** A CA certificate that is on no chain of a key in the file. */
    NOT_IN_CHAIN("not_in_chain");

    private final String code;

    IgnoredReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
