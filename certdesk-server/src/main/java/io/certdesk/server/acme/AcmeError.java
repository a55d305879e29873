package io.certdesk.server.acme;

/** The ACME error types (RFC 8555 §6.7) this server answers with, each with its HTTP status. */
public enum AcmeError {
    ACCOUNT_DOES_NOT_EXIST("accountDoesNotExist", 400),
    ALREADY_REVOKED("alreadyRevoked", 400),
    BAD_CSR("badCSR", 400),
    BAD_NONCE("badNonce", 400),
    BAD_PUBLIC_KEY("badPublicKey", 400),
    BAD_REVOCATION_REASON("badRevocationReason", 400),
    BAD_SIGNATURE_ALGORITHM("badSignatureAlgorithm", 400),
    CONNECTION("connection", 400),
    DNS("dns", 400),
    EXTERNAL_ACCOUNT_REQUIRED("externalAccountRequired", 400),
    INCORRECT_RESPONSE("incorrectResponse", 400),
    INVALID_CONTACT("invalidContact", 400),
    MALFORMED("malformed", 400),
    ORDER_NOT_READY("orderNotReady", 403),
    RATE_LIMITED("rateLimited", 429),
    REJECTED_IDENTIFIER("rejectedIdentifier", 400),
    SERVER_INTERNAL("serverInternal", 500),
    TLS("tls", 400),
    UNAUTHORIZED("unauthorized", 403),
    UNSUPPORTED_CONTACT("unsupportedContact", 400),
    UNSUPPORTED_IDENTIFIER("unsupportedIdentifier", 400),
    /** Not an RFC 8555 type: a resource this server does not have (the URN namespace has none for it). */
    NOT_FOUND("malformed", 404);

    private final String name;
    private final int status;

    AcmeError(String name, int status) {
        this.name = name;
        this.status = status;
    }

    /** {@code urn:ietf:params:acme:error:…}, the problem's {@code type}. */
    public String type() {
        return "urn:ietf:params:acme:error:" + name;
    }

    public int status() {
        return status;
    }

    /** The type for a validation failure named by its short name ({@code connection}, {@code tls}, …). */
    static AcmeError ofName(String name) {
        for (AcmeError e : values()) {
            if (e.name.equals(name) && e != NOT_FOUND) {
                return e;
            }
        }
        return INCORRECT_RESPONSE;
    }
}
