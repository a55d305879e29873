package io.certdesk.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.app.Main;
import io.certdesk.server.keys.MasterKeys;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.Handshakes;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A backup taken while the node serves, restored with {@code certdesk restore} into a new data
 * folder: the restored node serves the same chains and verifies the tokens the first one issued;
 * the wrong master key is refused before anything is written.
 */
class BackupRestoreTest {
    private static final String PUBLIC_URL = "https://certdesk.backup.test";

    @Test
    void aBackupTakenWhileServingRestoresIntoANewFolderWithTheSameChainsAndKeys() throws Exception {
        TestServer first = TestServer.startWithPublicUrl(TestDatabase.H2, PUBLIC_URL);
        Path work = Files.createTempDirectory("certdesk-backup-test");
        TestServer restored = null;
        try {
            String account = first.admin().createVendor("Backed up");
            String domain = "kiosk-" + System.nanoTime() % 100_000 + ".backup.test";
            first.admin().setDomains(account, domain);
            String chain = first.admin().generateTlsChain(account, domain, Map.of());
            first.admin().bindTls(account, domain, chain).assertStatus(200);
            String signing = first.admin()
                    .post(
                            "/api/v1/accounts/" + account + "/private-chains/generate",
                            Map.of("purpose", "TOKEN_SIGNING"))
                    .assertStatus(201)
                    .json()
                    .path("id")
                    .asText();
            first.admin()
                    .put("/api/v1/accounts/" + account + "/pki-settings", Map.of("signingChainId", signing))
                    .assertStatus(200);
            String token = ApiClients.token(first, ApiClients.create(first, account, null));
            List<X509Certificate> served = Handshakes.presented(first.server().httpsPort(), Optional.of(domain));
            String jwks = first.anonymous()
                    .get("/api/v1/accounts/" + account + "/.well-known/jwks.json")
                    .assertStatus(200)
                    .text();

            var answer = first.admin().sendRaw("POST", "/api/v1/platform/backup", new byte[0], "application/json");
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(answer.header("Content-Type")).startsWith("application/zip");
            Path backup = work.resolve("backup.zip");
            Files.write(backup, answer.raw().body());
            first.admin().createVendor("Made after the backup");
            MasterKey key = first.masterKey();
            first.stop();

            Path wrongKey = work.resolve("wrong.key");
            MasterKeys.write(wrongKey, MasterKey.generate(new SecureRandom()));
            Path data = work.resolve("restored");
            var wrong = restore(backup, data, wrongKey);
            assertThat(wrong.exit()).isNotZero();
            assertThat(wrong.err()).contains("sealed under master key").contains("Nothing was written");
            assertThat(Files.exists(data.resolve(Backups.DATABASE_FILE)))
                    .as("no database written")
                    .isFalse();

            Path rightKey = work.resolve("right.key");
            MasterKeys.write(rightKey, key);
            var right = restore(backup, data, rightKey);
            assertThat(right.exit()).as(right.err()).isZero();
            var again = restore(backup, data, rightKey);
            assertThat(again.err())
                    .as("a folder that holds a database is never overwritten")
                    .contains("already holds a database");

            restored = TestServer.startOnData(data, key, PUBLIC_URL);
            restored.bearer(token)
                    .get("/api/v1/accounts/" + account + "/trusted-cas")
                    .assertStatus(200);
            assertThat(restored.anonymous()
                            .get("/api/v1/accounts/" + account + "/.well-known/jwks.json")
                            .text())
                    .isEqualTo(jwks);
            assertThat(Handshakes.presented(restored.server().httpsPort(), Optional.of(domain)))
                    .as("the same chain is served for the domain")
                    .isEqualTo(served);
            assertThat(restored.admin().get("/api/v1/accounts").text())
                    .contains("Backed up")
                    .doesNotContain("Made after the backup");
        } finally {
            if (restored != null) {
                restored.close();
            }
            first.close();
        }
    }

    @Test
    void onlyThePlatformAdminTakesABackupAndANodeOnPostgresqlIsToldToUsePgDump() {
        try (TestServer h2 = TestServer.start(TestDatabase.H2)) {
            String vendor = h2.admin().createVendor("Not an operator");
            h2.admin().createUser(vendor, "vendor-operator", "a-long-vendor-password");
            var vendorAdmin = h2.anonymous().login("vendor-operator", "a-long-vendor-password");
            vendorAdmin
                    .sendRaw("POST", "/api/v1/platform/backup", new byte[0], "application/json")
                    .assertProblem(403, "forbidden");
        }
        try (TestServer pg = TestServer.start(TestDatabase.POSTGRESQL)) {
            var refused = pg.admin()
                    .sendRaw("POST", "/api/v1/platform/backup", new byte[0], "application/json")
                    .assertProblem(409, "not_embedded");
            assertThat(refused.json().path("detail").asText()).contains("pg_dump");
        }
    }

    private record Run(int exit, String out, String err) {}

    /** {@code certdesk restore} of {@code backup} into {@code data} with the master key in {@code keyFile}. */
    private static Run restore(Path backup, Path data, Path keyFile) {
        return run(
                "restore",
                "--from",
                backup.toString(),
                "--data",
                data.toString(),
                "--master-key-file",
                keyFile.toString());
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
