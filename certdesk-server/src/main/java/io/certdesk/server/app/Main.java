package io.certdesk.server.app;

import io.certdesk.server.cli.AccountsCommand;
import io.certdesk.server.cli.DomainsCommand;
import io.certdesk.server.cli.LoginCommand;
import io.certdesk.server.cli.LogoutCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code certdesk}: the server and its command-line client in one jar. */
@Command(name = "certdesk",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Certificates and PKI for a multi-tenant platform.",
        subcommands = {
                ServeCommand.class, RekeyCommand.class, VersionCommand.class,
                LoginCommand.class, LogoutCommand.class, AccountsCommand.class, DomainsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        if (exit != 0 || !ServeCommand.isServing()) {
            System.exit(exit);
        }
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText("certdesk: " + e.getMessage()));
                    return e instanceof UsageError ? 2 : 1;
                });
    }

    /** A failure whose message is the whole story for the person at the terminal. */
    public static final class UsageError extends RuntimeException {
        public UsageError(String message) {
            super(message);
        }
    }
}
