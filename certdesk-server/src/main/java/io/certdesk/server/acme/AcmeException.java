package io.certdesk.server.acme;

import java.util.Optional;

/** An ACME refusal: its type, a sentence for the client's operator, and for rate limits when to retry. */
public final class AcmeException extends RuntimeException {
    private final AcmeError error;
    private final Optional<Long> retryAfterSeconds;

    public AcmeException(AcmeError error, String detail) {
        this(error, detail, Optional.empty());
    }

    public AcmeException(AcmeError error, String detail, Optional<Long> retryAfterSeconds) {
        super(detail, null, false, false);
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public AcmeError error() {
        return error;
    }

    public Optional<Long> retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static AcmeException malformed(String detail) {
        return new AcmeException(AcmeError.MALFORMED, detail);
    }

    static AcmeException notFound(String what) {
        return new AcmeException(AcmeError.NOT_FOUND, what + " does not exist.");
    }

    static AcmeException unauthorized(String detail) {
        return new AcmeException(AcmeError.UNAUTHORIZED, detail);
    }
}
