package io.certdesk.server.app;

import io.certdesk.server.cli.AccountsCommand;
import io.certdesk.server.cli.CertificatesCommands;
import io.certdesk.server.cli.TokenCommands;
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
                CertificatesCommands.Ca.class, CertificatesCommands.Chain.class, CertificatesCommands.Chains.class,
                CertificatesCommands.Pki.class, TokenCommands.Clients.class, TokenCommands.Token.class, io.certdesk.server.cli.TrustCommands.class,
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
                    if (!(e instanceof Failure)) {
                        throw e;
                    }
                    cmd.getErr().println(cmd.getColorScheme().errorText("certdesk: " + e.getMessage()));
                    return ((Failure) e).exitCode;
                });
    }

    /**
     * A failure whose message is the whole story for the person at the terminal, printed without
     * a stack trace. Exit code 1 when the operation was refused or failed, 2 when the command was
     * used wrongly (a missing key, not signed in).
     */
    public static final class Failure extends RuntimeException {
        private final int exitCode;

        private Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        public static Failure refused(String message) {
            return new Failure(message, 1);
        }

        public static Failure usage(String message) {
            return new Failure(message, 2);
        }
    }
}
