package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code certdesk acme}: an account's ACME directory, its EAB credentials and settings. */
@Command(
        name = "acme",
        mixinStandardHelpOptions = true,
        description = "An account's ACME directory: EAB credentials for clients, validation settings.",
        subcommands = {
            AcmeCommands.EabCreate.class,
            AcmeCommands.EabList.class,
            AcmeCommands.EabDelete.class,
            AcmeCommands.Prevalidate.class,
            AcmeCommands.OrderLimit.class
        })
public final class AcmeCommands {
    @Command(
            name = "eab-create",
            mixinStandardHelpOptions = true,
            description = "Make an EAB credential for one ACME client; its HMAC key is shown this once.")
    static final class EabCreate implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (description != null) {
                body.put("description", description);
            }
            JsonNode created =
                    ServerApi.fromSaved(CliConfig.require()).send("POST", account.path() + "/acme/eab", body);
            System.out.println("directory: " + created.path("directory").asText());
            System.out.println("eab key id: " + created.path("keyId").asText());
            System.out.println("eab hmac key: " + created.path("hmacKey").asText());
            System.out.println("(the HMAC key is not shown again; each credential binds one ACME account)");
            return 0;
        }
    }

    @Command(name = "eab-list", mixinStandardHelpOptions = true, description = "The account's EAB credentials.")
    static final class EabList implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Override
        public Integer call() throws Exception {
            JsonNode list = ServerApi.fromSaved(CliConfig.require()).send("GET", account.path() + "/acme/eab", null);
            for (JsonNode k : list.path("credentials")) {
                System.out.println(k.path("keyId").asText() + "  created "
                        + k.path("createdAt").asText() + "  "
                        + (k.path("acmeAccountId").isNull()
                                ? "unused"
                                : "bound to ACME account "
                                        + k.path("acmeAccountId").asText()));
            }
            return 0;
        }
    }

    @Command(name = "eab-delete", mixinStandardHelpOptions = true, description = "Delete an EAB credential.")
    static final class EabDelete implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        @Override
        public Integer call() throws Exception {
            ServerApi.fromSaved(CliConfig.require()).send("DELETE", account.path() + "/acme/eab/" + keyId, null);
            System.out.println("deleted " + keyId);
            return 0;
        }
    }

    @Command(
            name = "prevalidate",
            mixinStandardHelpOptions = true,
            description = "Whether the account's domains count as validated (orders ready at once, for terminals"
                    + " that cannot answer a challenge): true or false.")
    static final class Prevalidate implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "true|false")
        boolean on;

        @Override
        public Integer call() throws Exception {
            JsonNode settings = ServerApi.fromSaved(CliConfig.require())
                    .send("PUT", account.path() + "/acme/settings", Map.of("domainsPrevalidated", on));
            System.out.println("domains count as validated: "
                    + settings.path("domainsPrevalidated").asBoolean());
            return 0;
        }
    }

    @Command(
            name = "order-limit",
            mixinStandardHelpOptions = true,
            description = "How many ACME orders the account may place in an hour (1 to 100000; 300 unless set)."
                    + " The platform admin's to change.")
    static final class OrderLimit implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "ORDERS_PER_HOUR")
        int ordersPerHour;

        @Override
        public Integer call() throws Exception {
            JsonNode settings = ServerApi.fromSaved(CliConfig.require())
                    .send("PUT", account.path() + "/acme/settings", Map.of("ordersPerHour", ordersPerHour));
            System.out.println(
                    "orders per hour: " + settings.path("ordersPerHour").asInt());
            return 0;
        }
    }
}
