package io.certdesk.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsServer;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.testing.TlsPeers;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Revocation by OCSP, answered by {@code openssl ocsp} started here: a revoked server certificate
 * fails under SOFT_FAIL and HARD_FAIL; with the responder down, SOFT_FAIL passes and HARD_FAIL fails.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class RevocationCheckTest {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static Path dir;
    private static TestCa.Issued ca;
    private static HttpsServer good;
    private static HttpsServer revoked;
    private static int ocspPort;
    private static TestServer server;
    private Process responder;

    @Parameter
    TestDatabase database;

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("ocsp");
        try (ServerSocket s = new ServerSocket(0)) {
            ocspPort = s.getLocalPort();
        }
        Instant now = Instant.now();
        ca = TestCa.certificate("O=Acme,CN=Acme Revoking CA")
                .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(900)))
                .build();
        String ocsp = "http://127.0.0.1:" + ocspPort + "/";
        var goodLeaf = TestCa.certificate("CN=127.0.0.1")
                .issuedBy(ca)
                .endEntity()
                .ip("127.0.0.1")
                .ocsp(ocsp)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        var revokedLeaf = TestCa.certificate("CN=127.0.0.1 revoked")
                .issuedBy(ca)
                .endEntity()
                .ip("127.0.0.1")
                .ocsp(ocsp)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        Files.writeString(dir.resolve("ca.pem"), Pem.certificate(ca.certificate()));
        Files.writeString(
                dir.resolve("ca.key"), Pem.block("PRIVATE KEY", ca.key().getEncoded()));
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
        String expiry = utc.format(now.plus(Duration.ofDays(90)));
        Files.writeString(
                dir.resolve("index.txt"),
                "V\t" + expiry + "\t\t" + serial(goodLeaf) + "\tunknown\t/CN=127.0.0.1\n"
                        + "R\t" + expiry + "\t" + utc.format(now.minus(Duration.ofHours(1))) + ",keyCompromise\t"
                        + serial(revokedLeaf)
                        + "\tunknown\t/CN=127.0.0.1 revoked\n");
        Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
        good = TlsPeers.https(TlsPeers.serverContext(goodLeaf, ca.certificate()));
        revoked = TlsPeers.https(TlsPeers.serverContext(revokedLeaf, ca.certificate()));
    }

    private static String serial(TestCa.Issued issued) {
        String hex = issued.certificate().getSerialNumber().toString(16).toUpperCase();
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    @AfterAll
    static void stopPeers() {
        good.stop(0);
        revoked.stop(0);
    }

    @BeforeParameterizedClassInvocation
    static void startServer(TestDatabase database) {
        server = TestServer.startWithOutbound(
                database,
                List.of("127.0.0.0/8"),
                List.of(good.getAddress().getPort(), revoked.getAddress().getPort()));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void stopResponder() throws Exception {
        if (responder != null) {
            responder.destroy();
            responder.waitFor();
        }
    }

    /** {@code openssl ocsp} (OpenSSL 3.0 takes a port but no address to listen on; it is asked on 127.0.0.1). */
    private void startResponder() throws Exception {
        DebianTools.require("openssl");
        responder = new ProcessBuilder(
                        "openssl",
                        "ocsp",
                        "-index",
                        "index.txt",
                        "-port",
                        String.valueOf(ocspPort),
                        "-rsigner",
                        "ca.pem",
                        "-rkey",
                        "ca.key",
                        "-CA",
                        "ca.pem",
                        "-ignore_err")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ocsp.log").toFile())
                .start();
        // waits for its own word: a connection opened and closed to probe the port leaves OpenSSL 3.0's responder stuck
        // on it
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(dir.resolve("ocsp.log")).contains("waiting for OCSP client connections")) {
            assertThat(responder.isAlive())
                    .as("openssl ocsp runs: " + Files.readString(dir.resolve("ocsp.log")))
                    .isTrue();
            assertThat(System.nanoTime()).as("openssl ocsp listens").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String account(String revocation) {
        String account = server.admin().createVendor("Revoking " + NEXT.incrementAndGet());
        server.admin()
                .upload(
                        "/api/v1/accounts/" + account + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201);
        server.admin()
                .put(
                        "/api/v1/accounts/" + account + "/trust-settings",
                        Map.of("revocation", revocation, "includePublicRoots", false))
                .assertStatus(200);
        return account;
    }

    private static JsonNode check(String account, HttpsServer peer) {
        return server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/trust/check",
                        Map.of("host", "127.0.0.1", "port", peer.getAddress().getPort(), "protocol", "HTTPS"))
                .assertStatus(200)
                .json();
    }

    @Test
    void aRevokedCertificateFailsUnderSoftAndHardFailAndAGoodOnePasses() throws Exception {
        startResponder();
        for (String mode : List.of("SOFT_FAIL", "HARD_FAIL")) {
            String account = account(mode);
            JsonNode result = check(account, revoked);
            assertThat(result.path("validation").path("code").asText())
                    .as(mode + ": " + result)
                    .isEqualTo("revoked");
            assertThat(result.path("validation").path("message").asText()).contains("key compromise");
            JsonNode fine = check(account, good);
            assertThat(fine.path("ok").asBoolean()).as(mode + ": " + fine).isTrue();
        }
        JsonNode off = check(account("OFF"), revoked);
        assertThat(off.path("ok").asBoolean()).as("OFF does not ask").isTrue();
    }

    @Test
    void withTheResponderDownSoftFailPassesAndHardFailFails() {
        JsonNode soft = check(account("SOFT_FAIL"), revoked);
        assertThat(soft.path("ok").asBoolean()).as(soft.toString()).isTrue();
        assertThat(soft.path("revocation").asText()).contains("No revocation answer");
        JsonNode hard = check(account("HARD_FAIL"), good);
        assertThat(hard.path("validation").path("code").asText())
                .as(hard.toString())
                .isEqualTo("revocation_unknown");
    }

    @Test
    void theSettingsAreReadBackAndAnUnknownModeIsRefused() {
        String account = account("HARD_FAIL");
        JsonNode settings = server.admin()
                .get("/api/v1/accounts/" + account + "/trust-settings")
                .assertStatus(200)
                .json();
        assertThat(settings.path("revocation").asText()).isEqualTo("HARD_FAIL");
        assertThat(settings.path("includePublicRoots").asBoolean()).isFalse();
        server.admin()
                .put(
                        "/api/v1/accounts/" + account + "/trust-settings",
                        Map.of("revocation", "SOMETIMES", "includePublicRoots", false))
                .assertProblem(422, "validation_failed");
    }
}
