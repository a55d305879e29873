package io.certdesk.server.cli;

/**
 * A failure whose message is the whole story for the person at the terminal, printed without
 * a stack trace. Exit code 1 when the operation was refused or failed, 2 when the command was
 * used wrongly (a missing key, not signed in).
 */
public final class CliFailure extends RuntimeException {
    private final int exitCode;

    private CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CliFailure refused(String message) {
        return new CliFailure(message, 1);
    }

    public static CliFailure usage(String message) {
        return new CliFailure(message, 2);
    }

    public int exitCode() {
        return exitCode;
    }
}
