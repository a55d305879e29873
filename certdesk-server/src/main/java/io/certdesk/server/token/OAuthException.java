package io.certdesk.server.token;

/** A refusal of the token endpoint in RFC 6749 §5.2 form: an {@link OAuthError}, and a sentence for a person. */
public final class OAuthException extends RuntimeException {
    private final OAuthError error;
    private final java.util.OptionalLong retryAfterSeconds;

    public OAuthException(OAuthError error, String description) {
        this(error, description, java.util.OptionalLong.empty());
    }

    public OAuthException(OAuthError error, String description, java.util.OptionalLong retryAfterSeconds) {
        super(description, null, false, false);
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** For {@link OAuthError#TOO_MANY_ATTEMPTS}: when to try again. */
    public java.util.OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public OAuthError error() {
        return error;
    }

    public int status() {
        return error.status();
    }
}
