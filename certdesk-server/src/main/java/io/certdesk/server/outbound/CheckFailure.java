package io.certdesk.server.outbound;

/** Why a connection check did not end with a trusted TLS session; each a stable code. */
public enum CheckFailure {
    UNKNOWN_ISSUER("unknown_issuer"),
    EXPIRED("expired"),
    HOSTNAME_MISMATCH("hostname_mismatch"),
    REVOKED("revoked"),
    /** Revocation checking is HARD_FAIL and no responder or CRL gave an answer. */
    REVOCATION_UNKNOWN("revocation_unknown"),
    /** TLS did not complete, or the server refused StartTLS. */
    HANDSHAKE_FAILED("handshake_failed"),
    /** No TCP connection: refused, unreachable, or the name does not resolve. */
    CONNECT_FAILED("connect_failed"),
    /** The server did not answer in time. */
    TIMEOUT("timeout");

    private final String code;

    CheckFailure(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
