package io.certdesk.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.app.Main;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysAtRestTest extends FreshServerOnBothDatabases {
    @Test
    void noPrivateKeyAppearsInTheDatabaseInDerOrPem() throws Exception {
        server = TestServer.start(database);
        List<byte[]> plaintextKeys = openAll(server, server.masterKey(), "key_algorithm <> 'HMAC-SHA256'");
        assertThat(plaintextKeys).hasSizeGreaterThanOrEqualTo(3); // root, issuing CA, server certificate
        // shared secrets (the ACME nonce key, webhook and EAB MAC keys) are sealed too: never stored as they are
        List<byte[]> secrets = openAll(server, server.masterKey(), "key_algorithm = 'HMAC-SHA256'");
        assertThat(secrets).isNotEmpty();

        // The root key we opened is the one that signs the platform CA: we are looking for the right bytes.
        boolean rootFound = false;
        for (byte[] der : plaintextKeys) {
            PrivateKey key =
                    KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(new byte[] {1});
            byte[] sig = s.sign();
            s.initVerify(server.server().platformCa().root().getPublicKey());
            s.update(new byte[] {1});
            rootFound |= s.verify(sig);
        }
        assertThat(rootFound).as("one sealed key is the platform root's").isTrue();

        byte[] raw = database == TestDatabase.H2 ? h2FileBytes(server) : allRowBytes(server);
        // The scan sees stored bytes as they are: the root certificate's DER is found verbatim.
        assertThat(indexOf(raw, server.server().platformCa().root().getEncoded()))
                .isNotNegative();
        for (byte[] der : plaintextKeys) {
            assertThat(indexOf(raw, der))
                    .as("PKCS#8 DER of a private key in the raw database")
                    .isEqualTo(-1);
            byte[] base64 = Base64.getEncoder().encode(der);
            assertThat(indexOf(raw, java.util.Arrays.copyOf(base64, 40)))
                    .as("PEM body of a private key")
                    .isEqualTo(-1);
            // The EC private scalar itself (the 32 bytes after the 0x04 0x20 octet string header).
            byte[] scalar = scalarOf(der);
            assertThat(indexOf(raw, scalar)).as("raw EC private scalar").isEqualTo(-1);
        }
        for (byte[] secret : secrets) {
            assertThat(indexOf(raw, secret))
                    .as("a shared secret in the raw database")
                    .isEqualTo(-1);
        }
    }

    @Test
    void rekeyRewrapsEveryKeyAndTheOldMasterKeyNoLongerOpensAnything() throws Exception {
        server = TestServer.start(database);
        String caSha = server.server().platformCaSha256();
        String account = server.admin().createVendor("Survives rekey");
        int keys = openAll(server, server.masterKey()).size();
        server.stop();

        Path dir = Files.createTempDirectory("rekey");
        Path oldFile = dir.resolve("old.key");
        Files.write(oldFile, server.masterKey().bytes());
        Path newFile = dir.resolve("new.key");

        assertThat(rekey(server, oldFile, newFile)).isZero();
        assertThat(newFile).exists();
        MasterKey next = MasterKeys.readFile(newFile);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(newFile)))
                .isEqualTo("rw-------");

        assertThatThrownBy(() -> server.restart(server.masterKey()))
                .isInstanceOf(CertdeskServer.StartupException.class)
                .hasMessageContaining(next.id());
        server.restart(next);
        assertThat(server.server().platformCaSha256()).isEqualTo(caSha);
        server.admin().get("/api/v1/accounts/" + account).assertStatus(200);
        assertThat(openAll(server, next)).hasSize(keys);

        KeySealer old = new KeySealer(server.masterKey(), new SecureRandom());
        List<SealedKeyStore.Row> rows = server.server()
                .database()
                .read(h -> h.createQuery(
                                "SELECT id, key_algorithm, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys")
                        .map((rs, ctx) -> new SealedKeyStore.Row(
                                rs.getString(1),
                                rs.getString(2),
                                new io.certdesk.pki.seal.SealedKey(rs.getString(3), rs.getBytes(4), rs.getBytes(5))))
                        .list());
        assertThat(rows)
                .hasSize(keys)
                .allSatisfy(row -> assertThatThrownBy(() -> old.open(row.sealed(), "sealed_keys/" + row.id()))
                        .isInstanceOfSatisfying(
                                PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.WRONG_MASTER_KEY)));
    }

    @Test
    void rekeyWithTheWrongCurrentKeyChangesNothing() throws Exception {
        server = TestServer.start(database);
        server.stop();
        Path dir = Files.createTempDirectory("rekey");
        Path wrongFile = dir.resolve("wrong.key");
        MasterKeys.write(wrongFile, MasterKey.generate(new SecureRandom()));
        assertThat(rekey(server, wrongFile, dir.resolve("new.key"))).isNotZero();
        server.restart(server.masterKey());
        assertThat(openAll(server, server.masterKey())).hasSizeGreaterThanOrEqualTo(3);
    }

    private static int rekey(TestServer server, Path currentKey, Path newKey) {
        List<String> args = new ArrayList<>(List.of(
                "rekey",
                "--new-master-key-file",
                newKey.toString(),
                "--master-key-file",
                currentKey.toString(),
                "--data",
                server.dataDir().toString()));
        server.dbUrl()
                .ifPresent(url -> args.addAll(List.of(
                        "--db-url",
                        url,
                        "--db-user",
                        TestDatabase.user(server.dbUrl()),
                        "--db-password",
                        TestDatabase.password(server.dbUrl()))));
        return Main.commandLine().execute(args.toArray(String[]::new));
    }

    /** Opens every sealed key with {@code master}; returns their PKCS#8 DER, oldest first. */
    private static List<byte[]> openAll(TestServer server, MasterKey master) {
        return openAll(server, master, "1 = 1");
    }

    /** The sealed keys matching {@code where}, opened. */
    private static List<byte[]> openAll(TestServer server, MasterKey master, String where) {
        KeySealer sealer = new KeySealer(master, new SecureRandom());
        return server.server()
                .database()
                .read(h -> h.createQuery(
                                "SELECT id, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys WHERE " + where
                                        + " ORDER BY created_at, id")
                        .map((rs, ctx) -> sealer.open(
                                new io.certdesk.pki.seal.SealedKey(rs.getString(2), rs.getBytes(3), rs.getBytes(4)),
                                "sealed_keys/" + rs.getString(1)))
                        .list());
    }

    private static byte[] h2FileBytes(TestServer server) throws Exception {
        server.stop();
        Path file = server.dataDir().resolve("certdesk.mv.db");
        byte[] bytes = Files.readAllBytes(file);
        server.restart(server.masterKey());
        return bytes;
    }

    private static byte[] allRowBytes(TestServer server) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = DriverManager.getConnection(
                        server.dbUrl().orElseThrow(),
                        TestDatabase.user(server.dbUrl()),
                        TestDatabase.password(server.dbUrl()));
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("sealed_keys", "platform_ca", "server_certificates");
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            byte[] value = rs.getBytes(i);
                            if (value != null) {
                                out.write(value);
                            }
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] scalarOf(byte[] pkcs8) {
        for (int i = 0; i + 34 <= pkcs8.length; i++) {
            if (pkcs8[i] == 0x04 && pkcs8[i + 1] == 0x20) {
                return java.util.Arrays.copyOfRange(pkcs8, i + 2, i + 34);
            }
        }
        throw new AssertionError("no EC private scalar in the PKCS#8 key");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
