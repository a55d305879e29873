package io.certdesk.pki;

/**
 * Every refusal the PKI core can give, each with a stable machine-readable code that callers
 * may rely on (it is what the HTTP API puts into a problem's {@code code}), and whose fault it is:
 * the input's (the caller sent something the rules refuse) or the server's (its own stored
 * material does not open; a caller only ever sees an internal error for those).
 */
public enum PkiError {
    INVALID_DOMAIN_NAME("invalid_domain_name"),
    /** Stored key material that does not decode: the server's fault, never the request's. */
    INVALID_KEY_MATERIAL("invalid_key_material", Fault.SERVER),
    /** A sealed key that the master key given does not open: the server's fault. */
    WRONG_MASTER_KEY("wrong_master_key", Fault.SERVER),
    /** The file is not one this import reads, or no certificate was found in it. */
    INVALID_FILE("invalid_file"),
    /** A private key was found where only certificates belong. */
    PRIVATE_KEY_NOT_ALLOWED("private_key_not_allowed"),
    /** A certificate is past its notAfter. */
    EXPIRED("expired"),
    /** The file is larger than the import accepts. */
    TOO_LARGE("too_large"),
    /** The file holds more certificates than one import accepts. */
    TOO_MANY_CERTIFICATES("too_many_certificates"),
    /** No password was given, or the file (or a key in it) is not protected by one. */
    PASSWORD_REQUIRED("password_required"),
    /** The key store does not open with the password given. */
    WRONG_PASSWORD("wrong_password"),
    /** The key store opens, but a key in it is under another password. */
    PASSWORD_MISMATCH("password_mismatch"),
    /** The file holds certificates only. */
    NO_PRIVATE_KEY("no_private_key"),
    /** A private key does not belong to its certificate, or no certificate belongs to it. */
    KEY_MISMATCH("key_mismatch"),
    /** The leaf certificate's validity starts in the future. */
    NOT_YET_VALID("not_yet_valid"),
    /** An RSA key under 2048 bits, or an EC curve other than P-256, P-384 or P-521. */
    WEAK_KEY("weak_key"),
    /** An MD5 or SHA-1 signature on the leaf or an intermediate. */
    WEAK_SIGNATURE("weak_signature"),
    /** The leaf has neither a DNS subject alternative name nor a common name. */
    NO_SUBJECT_NAMES("no_subject_names"),
    /** A name in the certificate matches none of the account's domains. */
    DOMAIN_NOT_ALLOWED("domain_not_allowed"),
    /** The certificate request (PKCS#10) cannot be read, or names nothing that can be issued. */
    INVALID_CSR("invalid_csr"),
    /** The certificate request is not signed by the key it carries (no proof of possession). */
    CSR_SIGNATURE_INVALID("csr_signature_invalid"),
    /** A request names more hosts than one certificate may carry. */
    TOO_MANY_NAMES("too_many_names"),
    /** A key of a type the platform CA does not issue for in this profile (Ed25519 for TLS). */
    UNSUPPORTED_KEY("unsupported_key"),
    /** Not a SCEP message (RFC 8894): no CMS SignedData, or one without the attributes a SCEP message carries. */
    INVALID_SCEP_MESSAGE("invalid_scep_message");

    /** Whose fault a refusal is. */
    public enum Fault {
        /** The input broke a rule: the caller can change it and try again. */
        INPUT,
        /** The server's own material or state: nothing the caller can change. */
        SERVER
    }

    private final String code;
    private final Fault fault;

    PkiError(String code) {
        this(code, Fault.INPUT);
    }

    PkiError(String code, Fault fault) {
        this.code = code;
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /** The stable code, lower snake case. */
    public String code() {
        return code;
    }
}
