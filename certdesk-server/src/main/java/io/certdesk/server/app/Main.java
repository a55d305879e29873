package io.certdesk.server.app;

import io.certdesk.server.cli.AccountsCommand;
import io.certdesk.server.cli.CertificatesCommands;
import io.certdesk.server.cli.CliFailure;
import io.certdesk.server.cli.DomainsCommand;
import io.certdesk.server.cli.LoginCommand;
import io.certdesk.server.cli.LogoutCommand;
import io.certdesk.server.cli.TokenCommands;
import io.certdesk.server.cli.TrustCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code certdesk}: the server and its command-line client in one jar. */
@Command(
        name = "certdesk",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Certificates and PKI for a multi-tenant platform.",
        subcommands = {
            ServeCommand.class,
            RekeyCommand.class,
            RestoreCommand.class,
            io.certdesk.server.cli.BackupCommand.class,
            VersionCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            AccountsCommand.class,
            DomainsCommand.class,
            CertificatesCommands.Ca.class,
            CertificatesCommands.Chain.class,
            CertificatesCommands.Chains.class,
            CertificatesCommands.Expiring.class,
            CertificatesCommands.Pki.class,
            io.certdesk.server.cli.EnrollmentCommands.Certificate.class,
            io.certdesk.server.cli.AcmeCommands.class,
            io.certdesk.server.cli.ScepCommands.class,
            TokenCommands.Clients.class,
            TokenCommands.Token.class,
            TrustCommands.class,
            CommandLine.HelpCommand.class
        })
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
                    if (!(e instanceof CliFailure failure)) {
                        throw e;
                    }
                    cmd.getErr().println(cmd.getColorScheme().errorText("certdesk: " + failure.getMessage()));
                    return failure.exitCode();
                });
    }
}
