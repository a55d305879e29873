package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens verify with a JOSE library that is not this project's: the npm package {@code jose},
 * installed from the npm registry and run by the machine's Node.js, fetching the JWKS over HTTPS.
 */
class JoseVerifierTest extends OnBothDatabases {
    private static final Path VERIFIER = Path.of("target", "jose-verifier").toAbsolutePath();

    @BeforeAll
    static void installJose() throws IOException {
        DebianTools.require("node");
        DebianTools.require("npm");
        Files.createDirectories(VERIFIER);
        for (String file : List.of("package.json", "verify.mjs")) {
            try (InputStream in = JoseVerifierTest.class.getResourceAsStream("/jose-verifier/" + file)) {
                Files.copy(in, VERIFIER.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(VERIFIER.resolve("node_modules/jose"))) {
            var install = DebianTools.run(
                    VERIFIER, Map.of(), 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
            assertThat(install.exit()).as(install.output()).isZero();
        }
    }

    @Test
    void theNpmJoseLibraryVerifiesATokenOfEachKeyTypeAndRefusesAnotherAccountsToken() throws Exception {
        verifiesEachKeyType(server);
    }

    @Test
    void theNpmJoseLibraryVerifiesTheTokensOfAServerThatSignsWithoutBoringSsl() throws Exception {
        try (TestServer javaOnly = TestServer.startWithoutNativeSignatures(database)) {
            verifiesEachKeyType(javaOnly);
        }
    }

    /** Tokens of each key type from {@code server}'s accounts, checked by the npm package. */
    private static void verifiesEachKeyType(TestServer server) throws Exception {
        Path caFile = server.platformCaFile(VERIFIER);
        String account = server.admin().createVendor("Node verifier");
        String issuer = "https://localhost:" + server.server().httpsPort() + "/api/v1/accounts/" + account;
        var client = ApiClients.create(server, account, null);

        List<String> tokens = new ArrayList<>();
        List<String> algorithms = List.of("ES256", "ES384", "RS256", "RS256", "EdDSA");
        tokens.add(ApiClients.token(server, client)); // the account's default chain: EC P-256
        for (String keyType : List.of("EC_P384", "RSA_2048", "RSA_3072", "ED25519")) {
            String chain = server.admin()
                    .post(
                            "/api/v1/accounts/" + account + "/private-chains/generate",
                            Map.of("purpose", "TOKEN_SIGNING", "keyType", keyType))
                    .assertStatus(201)
                    .json()
                    .path("id")
                    .asText();
            server.admin()
                    .put(
                            "/api/v1/accounts/" + account + "/pki-settings",
                            Map.of("signingChainId", chain, "tlsBindings", Map.of()))
                    .assertStatus(200);
            tokens.add(ApiClients.token(server, client));
        }
        String other = server.admin().createVendor("Other verifier");
        tokens.add(ApiClients.token(server, ApiClients.create(server, other, null)));

        List<String> command = new ArrayList<>(List.of("node", "verify.mjs", issuer));
        command.addAll(tokens);
        var run = DebianTools.run(
                VERIFIER, Map.of("NODE_EXTRA_CA_CERTS", caFile.toString()), 60, command.toArray(new String[0]));
        List<String> lines = run.output().lines().toList();
        assertThat(lines).as(run.output()).hasSize(tokens.size());
        for (int i = 0; i < algorithms.size(); i++) {
            assertThat(lines.get(i))
                    .as("token %d", i)
                    .startsWith("OK " + algorithms.get(i) + " ")
                    .endsWith(" " + client.id());
        }
        assertThat(lines.get(tokens.size() - 1)).as("another account's token").startsWith("FAIL");
    }
}
