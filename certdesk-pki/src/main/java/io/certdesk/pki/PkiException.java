package io.certdesk.pki;

/**
 * A refusal by the PKI core. {@link #getMessage()} is safe to show a person: it says what was
 * expected and what was found, and never contains key material or passwords. The cause, if any,
 * is for logs only.
 */
public final class PkiException extends RuntimeException {
    private final PkiError error;

    public PkiException(PkiError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public PkiException(PkiError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public PkiError error() {
        return error;
    }
}
