package io.certdesk.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code certdesk logout}: ends the saved session on the server and forgets it. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Sign out and forget the saved session.")
public final class LogoutCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        var saved = CliConfig.load();
        if (saved.isPresent()) {
            try {
                ServerApi.fromSaved(saved.get()).send("POST", "/api/v1/auth/logout", null);
            } finally {
                CliConfig.clear();
            }
        }
        System.out.println("Signed out.");
        return 0;
    }
}
