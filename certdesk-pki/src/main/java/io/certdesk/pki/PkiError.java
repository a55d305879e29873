package io.certdesk.pki;

/**
 * Every refusal the PKI core can give, each with a stable machine-readable code that callers
 * may rely on (it is what the HTTP API puts into a problem's {@code code}).
 */
public enum PkiError {
    INVALID_DOMAIN_NAME("invalid_domain_name"),
    INVALID_KEY_MATERIAL("invalid_key_material"),
    WRONG_MASTER_KEY("wrong_master_key");

    private final String code;

    PkiError(String code) {
        this.code = code;
    }

    /** The stable code, lower snake case. */
    public String code() {
        return code;
    }
}
