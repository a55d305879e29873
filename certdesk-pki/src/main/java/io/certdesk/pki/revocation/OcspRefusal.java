package io.certdesk.pki.revocation;

/**
 * An OCSP request the responder does not answer with certificate statuses, with the RFC 6960
 * §4.2.1 response status it gets instead (an unsigned response: {@link OcspResponses#refusal}).
 */
public final class OcspRefusal extends Exception {
    /** The OCSPResponseStatus values a refusal may carry. */
    public enum Status {
        /** Not an OCSP request, or one this responder cannot read (RFC 6960: malformedRequest). */
        MALFORMED_REQUEST(1),
        /** The responder failed (RFC 6960: internalError). */
        INTERNAL_ERROR(2),
        /** Not answerable now (RFC 6960: tryLater). */
        TRY_LATER(3),
        /** About a CA this responder does not answer for (RFC 6960: unauthorized). */
        UNAUTHORIZED(6);

        private final int value;

        Status(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    private final Status status;

    public OcspRefusal(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
