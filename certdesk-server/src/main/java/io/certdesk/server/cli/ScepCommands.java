package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code certdesk scep}: an account's SCEP enrollment for devices: settings, challenge passwords, held requests. */
@Command(
        name = "scep",
        mixinStandardHelpOptions = true,
        description = "Device enrollment by SCEP: settings, challenge passwords, requests held for approval.",
        subcommands = {
            ScepCommands.Enable.class,
            ScepCommands.Disable.class,
            ScepCommands.Password.class,
            ScepCommands.Passwords.class,
            ScepCommands.PasswordDelete.class,
            ScepCommands.Requests.class,
            ScepCommands.Approve.class,
            ScepCommands.Reject.class
        })
public final class ScepCommands {
    private static void printSettings(JsonNode s) {
        System.out.println("enabled: " + s.path("enabled").asBoolean());
        System.out.println("profile: " + s.path("profile").asText() + ", validity: "
                + s.path("validityDays").asInt() + " days, names outside the account: "
                + s.path("foreignNames").asText());
        if (s.hasNonNull("urls")) {
            System.out.println("SCEP URL: " + s.path("urls").path("scep").asText());
            System.out.println("NDES URL: " + s.path("urls").path("ndes").asText());
        }
    }

    @Command(
            name = "enable",
            mixinStandardHelpOptions = true,
            description = "Let the account's devices enroll, with these settings (what is not given stays).")
    static final class Enable implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Option(names = "--profile", paramLabel = "TLS_SERVER|TLS_CLIENT|TLS_SERVER_AND_CLIENT")
        String profile;

        @Option(names = "--validity-days", paramLabel = "DAYS")
        Integer validityDays;

        @Option(
                names = "--foreign-names",
                paramLabel = "REFUSE|HOLD",
                description = "What a request naming a host outside the account's domains gets.")
        String foreignNames;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("enabled", true);
            if (profile != null) {
                body.put("profile", profile);
            }
            if (validityDays != null) {
                body.put("validityDays", validityDays);
            }
            if (foreignNames != null) {
                body.put("foreignNames", foreignNames);
            }
            printSettings(
                    ServerApi.fromSaved(CliConfig.require()).send("PUT", account.path() + "/scep/settings", body));
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop the account's devices enrolling.")
    static final class Disable implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Override
        public Integer call() throws Exception {
            printSettings(ServerApi.fromSaved(CliConfig.require())
                    .send("PUT", account.path() + "/scep/settings", Map.of("enabled", false)));
            return 0;
        }
    }

    @Command(
            name = "password",
            mixinStandardHelpOptions = true,
            description = "Make a challenge password, shown this once: one-time (default) or the static one.")
    static final class Password implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Option(names = "--static", description = "The account's standing password (replaces the one before).")
        boolean staticPassword;

        @Option(names = "--valid-minutes", paramLabel = "MINUTES", description = "A one-time password's life (60).")
        Long validMinutes;

        @Option(names = "--label", paramLabel = "TEXT")
        String label;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", staticPassword ? "STATIC" : "ONE_TIME");
            if (validMinutes != null) {
                body.put("validMinutes", validMinutes);
            }
            if (label != null) {
                body.put("label", label);
            }
            JsonNode created =
                    ServerApi.fromSaved(CliConfig.require()).send("POST", account.path() + "/scep/passwords", body);
            System.out.println("password: " + created.path("password").asText());
            System.out.println("id: " + created.path("id").asText()
                    + (created.hasNonNull("expiresAt")
                            ? ", one-time, until " + created.path("expiresAt").asText()
                            : ", static"));
            System.out.println("(the password is not shown again)");
            return 0;
        }
    }

    @Command(name = "passwords", mixinStandardHelpOptions = true, description = "The account's challenge passwords.")
    static final class Passwords implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Override
        public Integer call() throws Exception {
            JsonNode list =
                    ServerApi.fromSaved(CliConfig.require()).send("GET", account.path() + "/scep/passwords", null);
            for (JsonNode p : list.path("passwords")) {
                System.out.println(p.path("id").asText() + "  " + p.path("kind").asText() + "  "
                        + (p.hasNonNull("label") ? p.path("label").asText() + "  " : "")
                        + (p.hasNonNull("usedAt")
                                ? "used " + p.path("usedAt").asText()
                                : p.hasNonNull("expiresAt")
                                        ? "until " + p.path("expiresAt").asText()
                                        : "standing"));
            }
            return 0;
        }
    }

    @Command(name = "password-delete", mixinStandardHelpOptions = true, description = "Delete a challenge password.")
    static final class PasswordDelete implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "PASSWORD_ID")
        String id;

        @Override
        public Integer call() throws Exception {
            ServerApi.fromSaved(CliConfig.require()).send("DELETE", account.path() + "/scep/passwords/" + id, null);
            System.out.println("deleted " + id);
            return 0;
        }
    }

    @Command(
            name = "requests",
            mixinStandardHelpOptions = true,
            description = "The devices' requests, newest first (--pending: those held for approval).")
    static final class Requests implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Option(names = "--pending")
        boolean pending;

        @Override
        public Integer call() throws Exception {
            JsonNode list = ServerApi.fromSaved(CliConfig.require())
                    .send("GET", account.path() + "/scep/requests" + (pending ? "?status=PENDING" : ""), null);
            for (JsonNode r : list.path("requests")) {
                System.out.println(
                        r.path("id").asText() + "  " + r.path("status").asText() + "  "
                                + r.path("kind").asText() + "  " + String.join(",", names(r)) + "  "
                                + r.path("createdAt").asText()
                                + (r.hasNonNull("serial")
                                        ? "  serial " + r.path("serial").asText()
                                        : ""));
            }
            return 0;
        }

        private static java.util.List<String> names(JsonNode r) {
            java.util.List<String> names = new java.util.ArrayList<>();
            r.path("dnsNames").forEach(n -> names.add(n.asText()));
            return names;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Issue a held request.")
    static final class Approve implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "REQUEST_ID")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode r = ServerApi.fromSaved(CliConfig.require())
                    .send("POST", account.path() + "/scep/requests/" + id + "/approve", Map.of());
            System.out.println(
                    r.path("status").asText() + ", serial " + r.path("serial").asText());
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a held request.")
    static final class Reject implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "REQUEST_ID")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT")
        String reason;

        @Override
        public Integer call() throws Exception {
            JsonNode r = ServerApi.fromSaved(CliConfig.require())
                    .send(
                            "POST",
                            account.path() + "/scep/requests/" + id + "/reject",
                            reason == null ? Map.of() : Map.of("reason", reason));
            System.out.println(r.path("status").asText());
            return 0;
        }
    }
}
