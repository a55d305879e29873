package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Certificate requests both ways: {@code chain request}/{@code chain complete}, and {@code certificate sign}. */
public final class EnrollmentCommands {
    private EnrollmentCommands() {}

    @Command(
            name = "request",
            mixinStandardHelpOptions = true,
            description = {
                "Make a key on the platform and a certificate request (CSR) for another CA to sign.",
                "The key never leaves the platform; take the CSR to the CA, then run 'chain complete'."
            })
    static final class Request implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Option(
                names = "--domain",
                required = true,
                paramLabel = "DOMAIN",
                description = "A name for the certificate, one of the account's domains (repeat for more).")
        List<String> domains;

        @Option(names = "--key-type", description = "EC_P256 (the default), EC_P384, RSA_2048, RSA_3072, RSA_4096")
        KeyType keyType;

        @Option(
                names = "--csr-out",
                paramLabel = "FILE",
                description = "Write the CSR here (default: standard output).")
        Path csrOut;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("domains", domains);
            if (keyType != null) {
                body.put("keyType", keyType.name());
            }
            JsonNode request = ServerApi.fromSaved(CliConfig.require())
                    .send("POST", account.path() + "/private-chains/requests", body);
            String csr = request.path("csrPem").asText();
            if (csrOut != null) {
                Files.writeString(csrOut, csr, StandardCharsets.US_ASCII);
                System.out.println("request " + request.path("id").asText() + " for "
                        + String.join(", ", texts(request.path("domains"))) + " ("
                        + request.path("keyType").asText()
                        + "), waiting until " + request.path("expiresAt").asText() + "; CSR in " + csrOut);
            } else {
                System.err.println("request " + request.path("id").asText() + ", waiting until "
                        + request.path("expiresAt").asText());
                System.out.print(csr);
            }
            return 0;
        }
    }

    @Command(
            name = "complete",
            mixinStandardHelpOptions = true,
            description = {
                "Take back the certificate another CA signed for a request (PEM, DER or PKCS#7, with or",
                "without its chain): it becomes a private chain with the request's key."
            })
    static final class Complete implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(index = "0", paramLabel = "REQUEST_ID")
        String requestId;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            JsonNode result = ServerApi.fromSaved(CliConfig.require())
                    .upload(
                            account.path() + "/private-chains/requests/" + requestId + "/certificate",
                            file.getFileName().toString(),
                            Files.readAllBytes(file),
                            Map.of());
            JsonNode chain = result.path("chain");
            System.out.println("chain " + chain.path("id").asText() + "  "
                    + chain.path("subject").asText() + "  until "
                    + chain.path("notAfter").asText());
            CertificatesCommands.printWarnings(result);
            return 0;
        }
    }

    @Command(
            name = "certificate",
            mixinStandardHelpOptions = true,
            description = "Certificates the platform CA signs for devices' own keys (CSRs).",
            subcommands = {Sign.class, Revoke.class})
    public static final class Certificate {}

    @Command(
            name = "sign",
            mixinStandardHelpOptions = true,
            description = {
                "Have the platform CA sign a device's CSR (PEM or DER) for names that are the account's own;",
                "the chain (leaf, issuing CA, root) is written as PEM."
            })
    static final class Sign implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "CSR_FILE")
        Path csrFile;

        @Option(names = "--profile", description = "${COMPLETION-CANDIDATES} (default: TLS_SERVER)")
        DeviceProfile profile;

        @Option(names = "--validity-days", description = "1 to 397 (the default).")
        Integer validityDays;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the chain here (default: standard output).")
        Path out;

        @Override
        public Integer call() throws Exception {
            byte[] bytes = Files.readAllBytes(csrFile);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("csr", text.contains("-----BEGIN") ? text : Pkcs10.writePem(bytes));
            if (profile != null) {
                body.put("profile", profile.name());
            }
            if (validityDays != null) {
                body.put("validityDays", validityDays);
            }
            JsonNode signed =
                    ServerApi.fromSaved(CliConfig.require()).send("POST", account.path() + "/certificates/sign", body);
            String summary = "signed serial " + signed.path("serial").asText() + " for "
                    + String.join(", ", texts(signed.path("dnsNames"))) + " until "
                    + signed.path("notAfter").asText();
            if (out != null) {
                Files.writeString(out, signed.path("chainPem").asText(), StandardCharsets.US_ASCII);
                System.out.println(summary + "; chain in " + out);
            } else {
                System.err.println(summary);
                System.out.print(signed.path("chainPem").asText());
            }
            return 0;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revoke a certificate signed for one of the account's devices, by serial (hex).",
                "Reasons (RFC 5280): unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation."
            })
    static final class Revoke implements Callable<Integer> {
        @Mixin
        CertificatesCommands.AccountOption account;

        @Parameters(paramLabel = "SERIAL")
        String serial;

        @Option(names = "--reason", required = true, paramLabel = "REASON", description = "Why, e.g. keyCompromise.")
        String reason;

        @Override
        public Integer call() throws Exception {
            JsonNode revoked = ServerApi.fromSaved(CliConfig.require())
                    .send("POST", account.path() + "/certificates/" + serial + "/revoke", Map.of("reason", reason));
            System.out.println("revoked serial " + revoked.path("serial").asText() + "  ("
                    + revoked.path("revocation").path("reason").asText() + ", "
                    + revoked.path("revocation").path("revokedAt").asText() + ")");
            return 0;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
