package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code certdesk domains set ACCOUNT_ID NAME...}. */
@Command(
        name = "domains",
        mixinStandardHelpOptions = true,
        description = "Manage an account's domains.",
        subcommands = DomainsCommand.Set.class)
public final class DomainsCommand {

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Replace an account's domains with the names given (none clears them).")
    static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ACCOUNT_ID")
        String accountId;

        @Parameters(index = "1..*", paramLabel = "NAME", arity = "0..*")
        List<String> names = List.of();

        @Override
        public Integer call() throws Exception {
            JsonNode account = ServerApi.fromSaved(CliConfig.require())
                    .send("PUT", "/api/v1/accounts/" + accountId + "/domains", Map.of("domains", names));
            List<String> stored = new ArrayList<>();
            account.path("domains").forEach(n -> stored.add(n.asText()));
            System.out.println(account.path("name").asText() + " now has "
                    + (stored.isEmpty() ? "no domains" : String.join(", ", stored)));
            return 0;
        }
    }
}
