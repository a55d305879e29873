package io.certdesk.pki;

/**
 * Every refusal the PKI core can give, each with a stable machine-readable code that callers
 * may rely on (it is what the HTTP API puts into a problem's {@code code}).
 */
public enum PkiError {
    INVALID_DOMAIN_NAME("invalid_domain_name"),
    INVALID_KEY_MATERIAL("invalid_key_material"),
    WRONG_MASTER_KEY("wrong_master_key"),
    /** The file is not one this import reads, or no certificate was found in it. */
    INVALID_FILE("invalid_file"),
    /** A private key was found where only certificates belong. */
    PRIVATE_KEY_NOT_ALLOWED("private_key_not_allowed"),
    /** A certificate is past its notAfter. */
    EXPIRED("expired"),
    /** The file is larger than the import accepts. */
    TOO_LARGE("too_large"),
    /** The file holds more certificates than one import accepts. */
    TOO_MANY_CERTIFICATES("too_many_certificates");

    private final String code;

    PkiError(String code) {
        this.code = code;
    }

    /** The stable code, lower snake case. */
    public String code() {
        return code;
    }
}
