package io.certdesk.server.access;

/** What a row of {@code attempt_events} counts against; {@link #column} is how it is stored. */
public enum AttemptScope {
    /** Failed sign-ins, per user name and per client address. */
    SIGN_IN("sign-in"),
    /** Failed client authentications at the token endpoint, per client. */
    CLIENT_AUTH("client-auth"),
    /** Connection checks, per account. */
    CHECK("check");

    private final String column;

    AttemptScope(String column) {
        this.column = column;
    }

    /** The value in {@code attempt_events.scope}. */
    public String column() {
        return column;
    }
}
