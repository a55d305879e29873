package io.certdesk.server.token;

/** A refusal of the token endpoint in RFC 6749 §5.2 form: an {@link OAuthError}, and a sentence for a person. */
public final class OAuthException extends RuntimeException {
    private final OAuthError error;

    public OAuthException(OAuthError error, String description) {
        super(description, null, false, false);
        this.error = error;
    }

    public OAuthError error() {
        return error;
    }

    public int status() {
        return error.status();
    }
}
