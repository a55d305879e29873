package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certdesk accounts create|list}. */
@Command(
        name = "accounts",
        mixinStandardHelpOptions = true,
        description = "Create and list accounts.",
        subcommands = {AccountsCommand.Create.class, AccountsCommand.List.class})
public final class AccountsCommand {
    /** The API's account types, as the API spells them. */
    public enum Type {
        VENDOR,
        CUSTOMER
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a vendor or customer account.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "Account name.")
        String name;

        @Option(names = "--type", required = true, description = "${COMPLETION-CANDIDATES}")
        Type type;

        @Option(names = "--parent", paramLabel = "VENDOR_ID", description = "The vendor of a customer account.")
        String parent;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("type", type.name());
            if (parent != null) {
                body.put("parentId", parent);
            }
            JsonNode account = ServerApi.fromSaved(CliConfig.require()).send("POST", "/api/v1/accounts", body);
            System.out.println(
                    json
                            ? account.toPrettyString()
                            : "Created " + account.path("type").asText() + " "
                                    + account.path("name").asText() + " with id "
                                    + account.path("id").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts you can see.")
    static final class List implements Callable<Integer> {
        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Option(
                names = "--name",
                paramLabel = "TEXT",
                description = "Only the accounts whose name holds TEXT (any case).")
        String name;

        @Override
        public Integer call() throws Exception {
            ServerApi api = ServerApi.fromSaved(CliConfig.require());
            String search = name == null ? "" : "&q=" + java.net.URLEncoder.encode(name, "UTF-8");
            // every page, in order: the list is paged by the API
            com.fasterxml.jackson.databind.node.ArrayNode all =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            String next = null;
            do {
                JsonNode page = api.send(
                        "GET",
                        "/api/v1/accounts?limit=500" + search
                                + (next == null ? "" : "&after=" + java.net.URLEncoder.encode(next, "UTF-8")),
                        null);
                page.path("accounts").forEach(all::add);
                next = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (next != null);
            JsonNode list = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode()
                    .set("accounts", all);
            if (json) {
                System.out.println(list.toPrettyString());
                return 0;
            }
            System.out.printf("%-36s  %-8s  %-36s  %-24s  %s%n", "ID", "TYPE", "PARENT", "NAME", "DOMAINS");
            for (JsonNode a : list.path("accounts")) {
                System.out.printf(
                        "%-36s  %-8s  %-36s  %-24s  %s%n",
                        a.path("id").asText(),
                        a.path("type").asText(),
                        a.path("parentId").isNull() ? "-" : a.path("parentId").asText(),
                        a.path("name").asText(),
                        joined(a.path("domains")));
            }
            return 0;
        }

        private static String joined(JsonNode array) {
            java.util.List<String> names = new ArrayList<>();
            array.forEach(n -> names.add(n.asText()));
            return names.isEmpty() ? "-" : String.join(",", names);
        }
    }
}
