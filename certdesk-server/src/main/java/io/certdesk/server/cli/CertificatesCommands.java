package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.keys.KeyType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The Certificates tab from the command line: {@code ca}, {@code chain}, {@code chains}, {@code pki}. */
public final class CertificatesCommands {
    private CertificatesCommands() {}

    /** {@code --account ID}: the account a command acts on. */
    static final class AccountOption {
        @Option(names = "--account", required = true, paramLabel = "ACCOUNT_ID", description = "The account to act on.")
        String id;

        String path() {
            return "/api/v1/accounts/" + id;
        }
    }

    static void printWarnings(JsonNode result) {
        for (JsonNode w : result.path("warnings")) {
            System.out.println("warning " + w.path("code").asText() + ": "
                    + w.path("message").asText());
        }
    }

    @Command(
            name = "ca",
            mixinStandardHelpOptions = true,
            description = "Trusted CA certificates.",
            subcommands = Ca.Import.class)
    public static final class Ca {
        @Command(
                name = "import",
                mixinStandardHelpOptions = true,
                description = "Import trusted CA certificates (PEM, DER or PKCS#7).")
        static final class Import implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Parameters(paramLabel = "FILE")
            Path file;

            @Override
            public Integer call() throws Exception {
                JsonNode result = ServerApi.fromSaved(CliConfig.require())
                        .upload(
                                account.path() + "/trusted-cas",
                                file.getFileName().toString(),
                                Files.readAllBytes(file),
                                Map.of());
                for (JsonNode c : result.path("imported")) {
                    System.out.println("imported " + c.path("subject").asText() + "  sha256 "
                            + c.path("sha256").asText());
                }
                for (JsonNode s : result.path("skipped")) {
                    System.out.println("skipped (" + s.path("code").asText() + ") sha256 "
                            + s.path("sha256").asText());
                }
                printWarnings(result);
                return 0;
            }
        }
    }

    @Command(
            name = "chain",
            mixinStandardHelpOptions = true,
            description = "Import, generate or request a private certificate chain.",
            subcommands = {
                Chain.Import.class,
                Chain.Generate.class,
                Chain.Revoke.class,
                Chain.Renew.class,
                EnrollmentCommands.Request.class,
                EnrollmentCommands.Complete.class
            })
    public static final class Chain {
        @Command(
                name = "import",
                mixinStandardHelpOptions = true,
                description = {
                    "Import chains from a PKCS#12 (.pfx/.p12) file.",
                    "The password is read from --password-file or asked for; it is never taken as an argument."
                })
        static final class Import implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Option(
                    names = "--password-file",
                    paramLabel = "FILE",
                    description = "A file whose first line is the password.")
            Path passwordFile;

            @Parameters(paramLabel = "FILE")
            Path file;

            @Override
            public Integer call() throws Exception {
                String password;
                if (passwordFile != null) {
                    List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                    password = lines.isEmpty() ? "" : lines.get(0);
                } else if (System.console() != null) {
                    password = new String(System.console().readPassword("Password of %s: ", file.getFileName()));
                } else {
                    throw CliFailure.usage("No password: pass --password-file, or run in a terminal to be asked.");
                }
                JsonNode result = ServerApi.fromSaved(CliConfig.require())
                        .upload(
                                account.path() + "/private-chains/import",
                                file.getFileName().toString(),
                                Files.readAllBytes(file),
                                Map.of("password", password));
                for (JsonNode c : result.path("imported")) {
                    System.out.println("imported chain " + c.path("id").asText() + "  "
                            + c.path("subject").asText() + "  " + c.path("purposes"));
                }
                for (JsonNode i : result.path("ignored")) {
                    System.out.println("ignored (" + i.path("reason").asText() + ") "
                            + i.path("subject").asText());
                }
                printWarnings(result);
                return 0;
            }
        }

        @Command(
                name = "generate",
                mixinStandardHelpOptions = true,
                description = "Have the platform CA issue a chain.")
        static final class Generate implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Option(names = "--purpose", required = true, description = "${COMPLETION-CANDIDATES}")
            ChainPurpose purpose;

            @Option(names = "--domain", description = "For TLS_SERVER: one of the account's domains.")
            String domain;

            @Option(names = "--key-type", description = "${COMPLETION-CANDIDATES} (default: EC_P256)")
            KeyType keyType;

            @Option(names = "--validity-days")
            Integer validityDays;

            @Override
            public Integer call() throws Exception {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("purpose", purpose.name());
                if (domain != null) {
                    body.put("domain", domain);
                }
                if (keyType != null) {
                    body.put("keyType", keyType.name());
                }
                if (validityDays != null) {
                    body.put("validityDays", validityDays);
                }
                JsonNode chain = ServerApi.fromSaved(CliConfig.require())
                        .send("POST", account.path() + "/private-chains/generate", body);
                System.out.println("generated chain " + chain.path("id").asText() + "  "
                        + chain.path("subject").asText() + "  until "
                        + chain.path("notAfter").asText());
                return 0;
            }
        }

        @Command(
                name = "revoke",
                mixinStandardHelpOptions = true,
                description = {
                    "Revoke a chain the platform CA issued: the TLS edge stops serving it and it never signs again.",
                    "Reasons (RFC 5280): unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation."
                })
        static final class Revoke implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Parameters(paramLabel = "CHAIN_ID")
            String chainId;

            @Option(
                    names = "--reason",
                    required = true,
                    paramLabel = "REASON",
                    description = "Why (RFC 5280), e.g. keyCompromise.")
            String reason;

            @Override
            public Integer call() throws Exception {
                JsonNode chain = ServerApi.fromSaved(CliConfig.require())
                        .send(
                                "POST",
                                account.path() + "/private-chains/" + chainId + "/revoke",
                                Map.of("reason", reason));
                System.out.println("revoked chain " + chain.path("id").asText() + "  "
                        + chain.path("subject").asText() + "  ("
                        + chain.path("revocation").path("reason").asText() + ", "
                        + chain.path("revocation").path("revokedAt").asText() + ")");
                return 0;
            }
        }

        @Command(
                name = "renew",
                mixinStandardHelpOptions = true,
                description = {
                    "Renew a generated chain now, as its automatic renewal would: the same names, key type and",
                    "lifetime; a TLS chain's bindings move to the new one, a signing chain's successor signs in 5 minutes."
                })
        static final class Renew implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Parameters(paramLabel = "CHAIN_ID")
            String chainId;

            @Override
            public Integer call() throws Exception {
                JsonNode chain = ServerApi.fromSaved(CliConfig.require())
                        .send("POST", account.path() + "/private-chains/" + chainId + "/renew", Map.of());
                System.out.println(
                        "renewed chain " + chainId + " as " + chain.path("id").asText() + "  "
                                + chain.path("subject").asText() + "  (until "
                                + chain.path("notAfter").asText() + ")");
                return 0;
            }
        }
    }

    @Command(
            name = "expiring",
            mixinStandardHelpOptions = true,
            description = {
                "What ends soon, soonest first (what has ended first of all): trusted CAs, chains, the",
                "certificates above a leaf that end first. With --account, that account's; without, the",
                "whole platform's with its own certificates (platform admin)."
            })
    public static final class Expiring implements Callable<Integer> {
        @Option(
                names = "--account",
                paramLabel = "ACCOUNT_ID",
                description = "The account (default: the whole platform).")
        String account;

        @Option(
                names = "--within",
                defaultValue = "P30D",
                paramLabel = "DURATION",
                description = "ISO-8601, e.g. P30D (the default), P90D, PT12H.")
        String within;

        @Override
        public Integer call() throws Exception {
            ServerApi api = ServerApi.fromSaved(CliConfig.require());
            String query = "?within=" + java.net.URLEncoder.encode(within, StandardCharsets.UTF_8);
            System.out.printf("%-20s  %5s  %-17s  %-36s  %s%n", "ENDS", "DAYS", "KIND", "ID", "SUBJECT / USED FOR");
            int count = 0;
            String after = null;
            do {
                JsonNode page = account != null
                        ? api.send("GET", "/api/v1/accounts/" + account + "/expiring" + query, null)
                        : api.send(
                                "GET",
                                "/api/v1/platform/expiring" + query + "&limit=500"
                                        + (after == null ? "" : "&after=" + after),
                                null);
                for (JsonNode i : page.path("items")) {
                    List<String> uses = new ArrayList<>();
                    i.path("servesDomains").forEach(d -> uses.add(d.asText()));
                    if (i.has("signingRole")) {
                        uses.add("signing " + i.path("signingRole").asText());
                    }
                    System.out.printf(
                            "%-20s  %5d  %-17s  %-36s  %s%s%s%n",
                            i.path("notAfter").asText().substring(0, 19),
                            i.path("daysLeft").asLong(),
                            i.path("kind").asText(),
                            i.path("id").asText().length() > 36
                                    ? i.path("id").asText().substring(0, 36)
                                    : i.path("id").asText(),
                            i.path("subject").asText(),
                            uses.isEmpty() ? "" : "  [" + String.join(", ", uses) + "]",
                            i.has("renewAt") ? "  renews " + i.path("renewAt").asText() : "");
                    count++;
                }
                after = page.has("next") ? page.path("next").asText() : null;
            } while (after != null);
            System.out.println(count + (count == 1 ? " certificate ends" : " certificates end") + " within " + within);
            return 0;
        }
    }

    @Command(
            name = "chains",
            mixinStandardHelpOptions = true,
            description = "List private certificate chains.",
            subcommands = Chains.List.class)
    public static final class Chains {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List an account's private chains.")
        static final class List implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Override
            public Integer call() throws Exception {
                JsonNode list =
                        ServerApi.fromSaved(CliConfig.require()).send("GET", account.path() + "/private-chains", null);
                System.out.printf("%-36s  %-9s  %-26s  %-20s  %s%n", "ID", "ORIGIN", "PURPOSES", "EXPIRES", "SUBJECT");
                for (JsonNode c : list.path("chains")) {
                    java.util.List<String> purposes = new ArrayList<>();
                    c.path("purposes").forEach(p -> purposes.add(p.asText()));
                    System.out.printf(
                            "%-36s  %-9s  %-26s  %-20s  %s%n",
                            c.path("id").asText(),
                            c.path("origin").asText(),
                            String.join(",", purposes),
                            c.path("notAfter").asText().substring(0, 19),
                            c.path("subject").asText()
                                    + (c.path("revocation").isObject()
                                            ? "  (revoked: "
                                                    + c.path("revocation")
                                                            .path("reason")
                                                            .asText() + ")"
                                            : ""));
                }
                return 0;
            }
        }
    }

    @Command(
            name = "pki",
            mixinStandardHelpOptions = true,
            description = "An account's PKI settings.",
            subcommands = {Pki.Show.class, Pki.SetSigning.class})
    public static final class Pki {
        @Command(
                name = "show",
                mixinStandardHelpOptions = true,
                description = "Show the signing chain and TLS bindings.")
        static final class Show implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Override
            public Integer call() throws Exception {
                JsonNode settings =
                        ServerApi.fromSaved(CliConfig.require()).send("GET", account.path() + "/pki-settings", null);
                System.out.println("signing chain: "
                        + (settings.path("signingChainId").isNull()
                                ? "none (API tokens are not issued)"
                                : settings.path("signingChainId").asText()));
                if (!settings.path("nextSigningChainId").isNull()
                        && !settings.path("nextSigningChainId").isMissingNode()) {
                    System.out.println("next signing chain: "
                            + settings.path("nextSigningChainId").asText() + " from "
                            + settings.path("activateAt").asText());
                }
                System.out.println("token lifetime: "
                        + settings.path("tokenLifetimeSeconds").asLong() + " s");
                for (JsonNode key : settings.path("signingKeys")) {
                    System.out.println("published key " + key.path("chainId").asText() + " "
                            + key.path("state").asText()
                            + (key.hasNonNull("until")
                                    ? " until " + key.path("until").asText()
                                    : ""));
                }
                settings.path("tlsBindings")
                        .fields()
                        .forEachRemaining(e -> System.out.println(
                                "tls " + e.getKey() + " -> " + e.getValue().asText()));
                return 0;
            }
        }

        @Command(
                name = "set-signing",
                mixinStandardHelpOptions = true,
                description = {
                    "Choose the signing chain ('none' switches signing off).",
                    "The replaced key stays published until the tokens it signed have expired."
                })
        static final class SetSigning implements Callable<Integer> {
            @Mixin
            AccountOption account;

            @Parameters(paramLabel = "CHAIN_ID|none")
            String chainId;

            @Option(
                    names = "--activate-at",
                    paramLabel = "INSTANT",
                    description =
                            "Publish the chain's key now and sign with it from then on (ISO-8601 UTC, at least 5 minutes ahead).")
            Instant activateAt;

            @Option(
                    names = "--token-lifetime",
                    paramLabel = "SECONDS",
                    description = "Token lifetime, 60 to 86400 (default: unchanged).")
            Long tokenLifetime;

            @Override
            public Integer call() throws Exception {
                ServerApi client = ServerApi.fromSaved(CliConfig.require());
                JsonNode current = client.send("GET", account.path() + "/pki-settings", null);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("signingChainId", "none".equals(chainId) ? null : chainId);
                body.put("tlsBindings", current.path("tlsBindings"));
                body.put(
                        "tokenLifetimeSeconds",
                        tokenLifetime != null
                                ? tokenLifetime
                                : current.path("tokenLifetimeSeconds").asLong(900));
                if (activateAt != null) {
                    body.put("activateAt", activateAt.toString());
                }
                JsonNode saved = client.send("PUT", account.path() + "/pki-settings", body);
                System.out.println("signing chain: "
                        + (saved.path("signingChainId").isNull()
                                ? "none"
                                : saved.path("signingChainId").asText()));
                if (saved.hasNonNull("nextSigningChainId")) {
                    System.out.println("next signing chain: "
                            + saved.path("nextSigningChainId").asText() + " from "
                            + saved.path("activateAt").asText());
                }
                return 0;
            }
        }
    }
}
