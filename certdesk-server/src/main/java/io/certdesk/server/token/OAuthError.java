package io.certdesk.server.token;

/**
 * The {@code error} values of the token endpoint (RFC 6749 §5.2, and one of Certdesk's own), with
 * the HTTP status each is answered with. The codes are part of the API: clients branch on them.
 */
public enum OAuthError {
    INVALID_REQUEST("invalid_request", 400),
    INVALID_CLIENT("invalid_client", 401),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
    INVALID_SCOPE("invalid_scope", 400),
    /** The account's PKI settings name no signing chain: nothing is signed. */
    SIGNING_NOT_CONFIGURED("signing_not_configured", 409),
    /** Too many failed client authentications for this client or from this address: wait {@code Retry-After} seconds. */
    TOO_MANY_ATTEMPTS("too_many_attempts", 429);

    private final String code;
    private final int status;

    OAuthError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
