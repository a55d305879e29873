package io.certdesk.server;

/**
 * The stable codes of every refusal the server gives, with the HTTP status each maps to. The
 * {@link #code()} string is part of the API: clients branch on it, so it never changes.
 */
public enum ErrorCode {
    VALIDATION_FAILED("validation_failed", 422, "The request is not valid"),
    MALFORMED_REQUEST("malformed_request", 400, "The request body cannot be read"),
    UNAUTHORIZED("unauthorized", 401, "Sign-in required"),
    INVALID_TOKEN("invalid_token", 401, "Invalid access token"),
    FORBIDDEN("forbidden", 403, "Not allowed"),
    INSUFFICIENT_SCOPE("insufficient_scope", 403, "Insufficient scope"),
    /** A console change sent with the session cookie but not the session's CSRF token. */
    CSRF_FAILED("csrf_failed", 403, "Missing or wrong CSRF token"),
    NOT_FOUND("not_found", 404, "Not found"),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, "Method not allowed"),
    DOMAIN_TAKEN("domain_taken", 409, "Domain already taken"),
    USERNAME_TAKEN("username_taken", 409, "Username already taken"),
    ACCOUNT_HAS_CUSTOMERS("account_has_customers", 409, "Account still has customers"),
    CHAIN_IN_USE("chain_in_use", 409, "Chain in use"),
    /** Revoking a chain the platform CA did not issue (an imported chain: its own CA revokes it). */
    NOT_ISSUED_BY_PLATFORM("not_issued_by_platform", 409, "Not issued by the platform CA"),
    /** Revoking what is revoked already: the first revocation (its date and reason) stands. */
    ALREADY_REVOKED("already_revoked", 409, "Already revoked"),
    /** Renewing what the platform CA cannot renew: an imported chain, or a signing chain kept only for verifying. */
    NOT_RENEWABLE("not_renewable", 409, "Not renewable here"),
    /** Renewing a chain that a renewal superseded already: renew the one that replaced it. */
    ALREADY_RENEWED("already_renewed", 409, "Already renewed"),
    /** Renewing the signing chain while another signing chain is scheduled to take over. */
    SIGNING_CHANGE_PENDING("signing_change_pending", 409, "A signing change is pending"),
    /** A request body that arrived slower than the server waits for (the grace and pace of {@code BodyPace}). */
    REQUEST_TIMEOUT("request_timeout", 408, "Request body too slow"),
    TOO_LARGE("too_large", 413, "Request too large"),
    TOO_MANY_CERTIFICATES("too_many_certificates", 422, "Too many certificates"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "Unsupported media type"),
    TOO_MANY_ATTEMPTS("too_many_attempts", 429, "Too many attempts"),
    /** A connection check to an address or port the operator does not allow. */
    DESTINATION_NOT_ALLOWED("destination_not_allowed", 403, "Destination not allowed"),
    /** Trusting a CA from a check whose server did not present a certificate with that fingerprint. */
    NOT_PRESENTED("not_presented", 409, "Certificate not presented"),
    /** Approving or rejecting a device's request that was decided already. */
    ALREADY_DECIDED("already_decided", 409, "Already decided"),
    NOT_READY("not_ready", 503, "Not ready"),
    /** A backup asked of a node on PostgreSQL: its own tools back it up. */
    NOT_EMBEDDED("not_embedded", 409, "Not the embedded database"),
    INTERNAL_ERROR("internal_error", 500, "Internal error");

    private final String code;
    private final int status;
    private final String title;

    ErrorCode(String code, int status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
