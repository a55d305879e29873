package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.OpenSslClient;
import io.certdesk.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An imported chain whose own CA runs OpenSSL's OCSP responder: the edge asks it, staples its
 * good answer, and stops serving the chain once that CA revokes it (marked in the API, with date
 * and reason); a CA whose responder does not answer changes nothing.
 */
class ImportedChainRevocationTest extends FreshServerOnBothDatabases {
    private static final char[] PASSWORD = "imported-ocsp".toCharArray();
    private static final DateTimeFormatter INDEX_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private Process responder;

    @AfterEach
    void stopResponder() throws Exception {
        stop();
    }

    private void stop() throws InterruptedException {
        if (responder != null) {
            responder.destroy();
            responder.waitFor(5, TimeUnit.SECONDS);
            responder = null;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Imported(String account, String chainId, TestCa.Issued ca, TestCa.Issued leaf, Path dir) {}

    private Imported importChain(String name, int responderPort) throws Exception {
        Path dir = Files.createTempDirectory("imported-ocsp");
        Instant now = Instant.now();
        TestCa.Issued ca = TestCa.certificate("O=Shop,CN=Shop Own CA")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)))
                .build();
        TestCa.Issued leaf = TestCa.certificate("CN=" + name)
                .issuedBy(ca)
                .endEntity()
                .dns(name)
                .ocsp("http://127.0.0.1:" + responderPort + "/")
                .extendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        Files.writeString(dir.resolve("ca.pem"), Pem.certificate(ca.certificate()));
        Files.writeString(
                dir.resolve("ca.key"), Pem.block("PRIVATE KEY", ca.key().getEncoded()));
        String account = server.admin().createVendor("Imported " + name);
        server.admin().setDomains(account, name);
        byte[] pfx = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate(), ca.certificate()), PASSWORD, PASSWORD);
        JsonNode imported = server.admin()
                .upload(
                        "/api/v1/accounts/" + account + "/private-chains/import",
                        "file",
                        "shop.pfx",
                        pfx,
                        Map.of("password", new String(PASSWORD)))
                .assertStatus(201)
                .json();
        return new Imported(account, imported.path("imported").get(0).path("id").asText(), ca, leaf, dir);
    }

    /** OpenSSL's responder for the CA, answering from an index that lists the leaf as valid, or revoked. */
    private void respond(Imported chain, int port, boolean revoked) throws Exception {
        stop();
        String serial =
                chain.leaf().certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        String expiry =
                INDEX_TIME.format(chain.leaf().certificate().getNotAfter().toInstant());
        String line = revoked
                ? "R\t" + expiry + "\t" + INDEX_TIME.format(Instant.now().minusSeconds(60)) + ",keyCompromise\t"
                        + serial
                : "V\t" + expiry + "\t\t" + serial;
        Files.writeString(chain.dir().resolve("index.txt"), line + "\tunknown\t/CN=x\n");
        responder = new ProcessBuilder(
                        "openssl",
                        "ocsp",
                        "-index",
                        "index.txt",
                        "-port",
                        String.valueOf(port),
                        "-rsigner",
                        "ca.pem",
                        "-rkey",
                        "ca.key",
                        "-CA",
                        "ca.pem",
                        "-nmin",
                        "5",
                        "-ignore_err")
                .directory(chain.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(chain.dir().resolve("responder.log").toFile())
                .start();
        // (not probed by connecting: OpenSSL's responder, one connection at a time, would wait on the probe)
        Path log = chain.dir().resolve("responder.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains("waiting for OCSP client connections")) {
            assertThat(System.nanoTime()).as("the responder listens").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private OpenSslClient.Result connect(Imported chain, String name, String... extra) {
        return OpenSslClient.connect(
                chain.dir(),
                server.server().httpsPort(),
                Optional.of(name),
                chain.dir().resolve("ca.pem"),
                extra);
    }

    @Test
    void aChainItsCaRevokesIsStapledGoodThenNoLongerServedAndMarkedRevoked() throws Exception {
        DebianTools.require("openssl");
        int port = freePort();
        server = TestServer.startWithIssuerOcsp(database, List.of("127.0.0.0/8"), List.of(port), Duration.ofSeconds(1));
        String name = "shop.imported-ocsp.test";
        Imported chain = importChain(name, port);
        respond(chain, port, false);
        String leafSha = CertificateCodec.sha256Hex(chain.leaf().certificate());

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String stapled = "";
        while (!stapled.contains("Cert Status: good")) {
            assertThat(System.nanoTime())
                    .as("its CA's good answer is stapled: " + stapled)
                    .isLessThan(deadline);
            Thread.sleep(200);
            stapled = connect(chain, name, "-status").output();
        }
        assertThat(stapled).contains("Responder Id: O = Shop, CN = Shop Own CA");
        assertThat(connect(chain, name).leafSha256()).isEqualTo(leafSha);

        respond(chain, port, true);
        deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (connect(chain, name).leafSha256().equals(leafSha)) {
            assertThat(System.nanoTime())
                    .as("no longer served within the refresh")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        JsonNode json = server.admin()
                .get("/api/v1/accounts/" + chain.account() + "/private-chains/" + chain.chainId())
                .assertStatus(200)
                .json();
        assertThat(json.path("revocation").path("revokedBy").asText()).isEqualTo("ISSUER");
        assertThat(json.path("revocation").path("reason").asText()).isEqualTo("keyCompromise");
        assertThat(Instant.parse(json.path("revocation").path("revokedAt").asText()))
                .isBefore(Instant.now().minusSeconds(30));
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + chain.account() + "/audit")
                        .text())
                .contains("CHAIN_REVOKED_BY_ISSUER");
        // and after a restart it stays out
        server.restart(server.masterKey());
        assertThat(connect(chain, name).leafSha256()).isNotEqualTo(leafSha);
    }

    @Test
    void aCaWhoseResponderDoesNotAnswerChangesNothing() throws Exception {
        DebianTools.require("openssl");
        int port = freePort(); // nobody listens there
        server = TestServer.startWithIssuerOcsp(database, List.of("127.0.0.0/8"), List.of(port), Duration.ofSeconds(1));
        String name = "quiet.imported-ocsp.test";
        Imported chain = importChain(name, port);
        String leafSha = CertificateCodec.sha256Hex(chain.leaf().certificate());
        Thread.sleep(3_000); // three refreshes
        var seen = connect(chain, name, "-status");
        assertThat(seen.output()).contains("OCSP response: no response sent");
        assertThat(connect(chain, name).leafSha256()).isEqualTo(leafSha);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + chain.account() + "/private-chains/" + chain.chainId())
                        .json()
                        .path("revocation")
                        .isNull())
                .isTrue();
    }
}
