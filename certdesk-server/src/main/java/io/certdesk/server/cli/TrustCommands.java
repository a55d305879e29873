package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** An account's outbound trust from the command line: {@code trust check}. */
@Command(
        name = "trust",
        mixinStandardHelpOptions = true,
        description = "Outbound trust: check a server with the account's trusted CAs.",
        subcommands = TrustCommands.Check.class)
public final class TrustCommands {
    /** How a check reaches TLS on the server, as the API spells it. */
    public enum Protocol {
        LDAPS,
        LDAP_STARTTLS,
        HTTPS,
        SMTPS,
        SMTP_STARTTLS
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Connect to HOST:PORT as the server would for the account, and say whether its certificate is trusted.",
                "Exit 0 when it is (and the bind, if any, succeeded), 1 when not."
            })
    static final class Check implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "HOST:PORT")
        String destination;

        @Option(
                names = "--protocol",
                required = true,
                paramLabel = "PROTOCOL",
                description = "LDAPS, LDAP_STARTTLS, HTTPS, SMTPS or SMTP_STARTTLS.")
        Protocol protocol;

        @Option(
                names = "--bind-dn",
                paramLabel = "DN",
                description = "Also bind as this DN (LDAP); the password is asked for.")
        String bindDn;

        @Option(
                names = "--bind-password-file",
                paramLabel = "FILE",
                description = "Read the bind password from this file instead of asking.")
        Path bindPasswordFile;

        @Override
        public Integer call() throws Exception {
            int colon = destination.lastIndexOf(':');
            if (colon <= 0 || colon == destination.length() - 1) {
                throw CliFailure.usage("Give the server as HOST:PORT, e.g. dc01.acme.com:636.");
            }
            String host = destination.substring(0, colon).replaceAll("^\\[|]$", "");
            int port;
            try {
                port = Integer.parseInt(destination.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw CliFailure.usage("The port in " + destination + " is not a number.");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("host", host);
            body.put("port", port);
            body.put("protocol", protocol.name());
            if (bindDn != null) {
                body.put("bindDn", bindDn);
                body.put("bindPassword", password());
            }
            JsonNode r = ServerApi.fromSaved(CliConfig.require()).send("POST", account.path() + "/trust/check", body);
            JsonNode validation = r.path("validation");
            System.out.println((validation.path("ok").asBoolean()
                            ? "trusted"
                            : validation.path("code").asText()) + ": "
                    + validation.path("message").asText());
            if (!r.path("tlsVersion").isNull() && !r.path("tlsVersion").isMissingNode()) {
                System.out.println("tls:       " + r.path("tlsVersion").asText() + " "
                        + r.path("cipherSuite").asText());
            }
            int i = 0;
            for (JsonNode c : r.path("presentedChain")) {
                System.out.printf(
                        "cert %d:    %s%n           issuer %s, expires %s, sha256 %s%n",
                        i++,
                        c.path("subject").asText(),
                        c.path("issuer").asText(),
                        c.path("notAfter").asText(),
                        c.path("sha256").asText());
            }
            if (r.hasNonNull("suggestedCa")) {
                System.out.println(
                        "to trust:  " + r.path("suggestedCa").path("subject").asText() + " (sha256 "
                                + r.path("suggestedCa").path("sha256").asText().toLowerCase(Locale.ROOT) + ")");
            }
            if (r.hasNonNull("revocation")) {
                System.out.println("revocation: " + r.path("revocation").asText());
            }
            if (r.hasNonNull("ldapBind")) {
                System.out.println("bind:      "
                        + (r.path("ldapBind").path("ok").asBoolean()
                                ? "ok"
                                : r.path("ldapBind").path("attempted").asBoolean() ? "refused" : "not attempted")
                        + ": "
                        + r.path("ldapBind").path("message").asText());
            }
            return r.path("ok").asBoolean() ? 0 : 1;
        }

        private String password() throws IOException {
            if (bindPasswordFile != null) {
                return Files.readString(bindPasswordFile).strip();
            }
            if (System.console() == null) {
                throw CliFailure.usage("--bind-dn needs a password: give --bind-password-file or run in a terminal.");
            }
            return new String(System.console().readPassword("Password of %s: ", bindDn));
        }
    }
}
