package io.certdesk.server.token;

/**
 * A refusal of the token endpoint in RFC 6749 §5.2 form: {@code error} is one of the registered
 * codes (or {@code signing_not_configured}), {@code description} a sentence for a person.
 */
public final class OAuthException extends RuntimeException {
    private final String error;
    private final int status;

    public OAuthException(String error, int status, String description) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }
}
