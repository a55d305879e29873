package io.certdesk.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Checks;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.testing.TlsPeers;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Connection checks against real servers on 127.0.0.1 (UnboundID's in-memory directory over LDAPS
 * and StartTLS, an HTTPS server, an SMTP server with STARTTLS), each presenting a chain from a
 * CA built here, judged with the account's trusted CAs: on H2 and on PostgreSQL.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class ConnectionCheckTest {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static TestCa.Issued ca;
    private static InMemoryDirectoryServer directory;
    private static HttpsServer https;
    private static ServerSocket smtp;
    /** Accepts connections (the kernel does) and never answers. */
    private static ServerSocket silent;
    /** Answers every connection with one byte of an SMTP greeting every 200 ms, never ending its line. */
    private static ServerSocket trickling;

    private static TestServer server;

    @Parameter
    TestDatabase database;

    @BeforeAll
    static void startPeers() {
        Instant now = Instant.now();
        ca = TestCa.certificate("O=Acme,CN=Acme Directory CA")
                .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(900)))
                .build();
        var good = TestCa.certificate("CN=127.0.0.1")
                .issuedBy(ca)
                .endEntity()
                .ip("127.0.0.1")
                .dns("localhost")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        var wrongHost = TestCa.certificate("CN=dc01.other.test")
                .issuedBy(ca)
                .endEntity()
                .dns("dc01.other.test")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        var expired = TestCa.certificate("CN=127.0.0.1")
                .issuedBy(ca)
                .endEntity()
                .ip("127.0.0.1")
                .validity(now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(10)))
                .build();
        directory = TlsPeers.directory(
                new TlsPeers.LdapListener("ldaps", true, TlsPeers.serverContext(good, ca.certificate())),
                new TlsPeers.LdapListener("starttls", false, TlsPeers.serverContext(good, ca.certificate())),
                new TlsPeers.LdapListener("wrong-host", true, TlsPeers.serverContext(wrongHost, ca.certificate())),
                new TlsPeers.LdapListener("expired", true, TlsPeers.serverContext(expired, ca.certificate())));
        https = TlsPeers.https(TlsPeers.serverContext(good, ca.certificate()));
        smtp = TlsPeers.smtpStartTls(TlsPeers.serverContext(good, ca.certificate()));
        try {
            silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
            trickling = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
            Thread t = new Thread(() -> {
                while (!trickling.isClosed()) {
                    try {
                        java.net.Socket peer = trickling.accept();
                        Thread writer = new Thread(() -> {
                            try (peer) {
                                while (true) {
                                    peer.getOutputStream().write('2');
                                    peer.getOutputStream().flush();
                                    Thread.sleep(200);
                                }
                            } catch (java.io.IOException | InterruptedException e) {
                                // the check let go
                            }
                        });
                        writer.setDaemon(true);
                        writer.start();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopPeers() throws Exception {
        directory.shutDown(true);
        https.stop(0);
        smtp.close();
        silent.close();
        trickling.close();
    }

    @BeforeParameterizedClassInvocation
    static void startServer(TestDatabase database) {
        server = TestServer.startWithOutbound(
                database,
                List.of("127.0.0.0/8"),
                List.of(
                        port("ldaps"),
                        port("starttls"),
                        port("wrong-host"),
                        port("expired"),
                        https.getAddress().getPort(),
                        smtp.getLocalPort(),
                        silent.getLocalPort(),
                        trickling.getLocalPort()));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    private static int port(String listener) {
        return directory.getListenPort(listener);
    }

    private static String account() {
        return server.admin().createVendor("Trusting " + NEXT.incrementAndGet());
    }

    private static Map<String, Object> target(String protocol, int port) {
        return Checks.target(protocol, port);
    }

    private static JsonNode check(String account, Map<String, Object> body) {
        return Checks.check(server, account, body);
    }

    private static void trustCa(String account) {
        server.admin()
                .upload(
                        "/api/v1/accounts/" + account + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201);
    }

    @Test
    void ldapsFailsWithUnknownIssuerNamingTheCaUntilItIsTrustedFromTheCheck() {
        String account = account();
        JsonNode before = check(account, target("LDAPS", port("ldaps")));
        assertThat(before.path("ok").asBoolean()).isFalse();
        assertThat(before.path("validation").path("code").asText()).isEqualTo("unknown_issuer");
        assertThat(before.path("validation").path("message").asText()).contains("Acme Directory CA");
        assertThat(before.path("hostnameMatches").asBoolean()).isTrue();
        assertThat(before.path("tlsVersion").asText()).startsWith("TLSv1.");
        assertThat(before.path("presentedChain")).hasSize(2);
        String caSha256 = CertificateCodec.sha256Hex(ca.certificate());
        assertThat(before.path("suggestedCa").path("sha256").asText()).isEqualTo(caSha256);

        Map<String, Object> trust = target("LDAPS", port("ldaps"));
        trust.put("sha256", caSha256);
        JsonNode imported = server.admin()
                .post("/api/v1/accounts/" + account + "/trusted-cas/from-check", trust)
                .assertStatus(201)
                .json();
        assertThat(imported.path("imported").get(0).path("sha256").asText()).isEqualTo(caSha256);

        JsonNode after = check(account, target("LDAPS", port("ldaps")));
        assertThat(after.path("ok").asBoolean()).as(after.toString()).isTrue();
        assertThat(after.path("validation").path("code").asText()).isEqualTo("ok");
    }

    @Test
    void trustingAFingerprintTheServerDoesNotPresentIsRefusedAndImportsNothing() {
        String account = account();
        Map<String, Object> trust = target("LDAPS", port("ldaps"));
        trust.put("sha256", "ab".repeat(32));
        server.admin()
                .post("/api/v1/accounts/" + account + "/trusted-cas/from-check", trust)
                .assertProblem(409, "not_presented");
        trust.put("sha256", "not-a-fingerprint");
        server.admin()
                .post("/api/v1/accounts/" + account + "/trusted-cas/from-check", trust)
                .assertProblem(422, "validation_failed");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/trusted-cas")
                        .json()
                        .path("certificates"))
                .isEmpty();
    }

    @Test
    void onlyAVendorsCertificatesCanBeSharedWithCustomers() {
        String vendor = account();
        String customer = server.admin().createCustomer("Not sharing " + NEXT.incrementAndGet(), vendor);
        String id = server.admin()
                .upload(
                        "/api/v1/accounts/" + customer + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201)
                .json()
                .path("imported")
                .get(0)
                .path("id")
                .asText();
        server.admin()
                .send(
                        "PATCH",
                        "/api/v1/accounts/" + customer + "/trusted-cas/" + id,
                        Map.of("shareWithCustomers", true))
                .assertProblem(422, "validation_failed");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + customer + "/trusted-cas/" + id)
                        .json()
                        .path("shareWithCustomers")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void startTlsIsJudgedLikeLdaps() {
        String account = account();
        assertThat(check(account, target("LDAP_STARTTLS", port("starttls")))
                        .path("validation")
                        .path("code")
                        .asText())
                .isEqualTo("unknown_issuer");
        trustCa(account);
        JsonNode after = check(account, target("LDAP_STARTTLS", port("starttls")));
        assertThat(after.path("ok").asBoolean()).as(after.toString()).isTrue();
    }

    @Test
    void aBindReportsGoodAndBadCredentialsApartFromTheTlsResult() {
        String account = account();
        trustCa(account);
        for (String protocol : List.of("LDAPS", "LDAP_STARTTLS")) {
            int port = protocol.equals("LDAPS") ? port("ldaps") : port("starttls");
            Map<String, Object> good = target(protocol, port);
            good.put("bindDn", TlsPeers.BIND_DN);
            good.put("bindPassword", TlsPeers.BIND_PASSWORD);
            JsonNode bound = check(account, good);
            assertThat(bound.path("ldapBind").path("ok").asBoolean())
                    .as(bound.toString())
                    .isTrue();
            assertThat(bound.path("ok").asBoolean()).isTrue();

            Map<String, Object> bad = target(protocol, port);
            bad.put("bindDn", TlsPeers.BIND_DN);
            bad.put("bindPassword", "not-the-password");
            JsonNode refused = check(account, bad);
            assertThat(refused.path("validation").path("ok").asBoolean())
                    .as("TLS itself is fine")
                    .isTrue();
            assertThat(refused.path("ldapBind").path("ok").asBoolean()).isFalse();
            assertThat(refused.path("ldapBind").path("attempted").asBoolean()).isTrue();
            assertThat(refused.path("ldapBind").path("message").asText()).contains("invalid credentials");
            assertThat(refused.path("ok").asBoolean()).isFalse();
        }
    }

    @Test
    void aBindIsNotAttemptedWithAnUntrustedServer() {
        Map<String, Object> body = target("LDAPS", port("ldaps"));
        body.put("bindDn", TlsPeers.BIND_DN);
        body.put("bindPassword", TlsPeers.BIND_PASSWORD);
        JsonNode result = check(account(), body);
        assertThat(result.path("ldapBind").path("ok").asBoolean()).isFalse();
        assertThat(result.path("ldapBind").path("message").asText()).startsWith("Not attempted");
        assertThat(result.path("ldapBind").path("attempted").asBoolean()).isFalse();
    }

    @Test
    void aCertificateForAnotherHostFailsWithHostnameMismatchAndAnExpiredOneWithExpired() {
        String account = account();
        trustCa(account);
        JsonNode wrongHost = check(account, target("LDAPS", port("wrong-host")));
        assertThat(wrongHost.path("validation").path("code").asText()).isEqualTo("hostname_mismatch");
        assertThat(wrongHost.path("hostnameMatches").asBoolean()).isFalse();
        assertThat(wrongHost.path("validation").path("message").asText()).contains("dc01.other.test");
        JsonNode expired = check(account, target("LDAPS", port("expired")));
        assertThat(expired.path("validation").path("code").asText()).isEqualTo("expired");
        assertThat(expired.path("validation").path("message").asText()).contains("expired on");
    }

    @Test
    void httpsAndSmtpStartTlsAreCheckedToo() {
        String account = account();
        assertThat(check(account, target("HTTPS", https.getAddress().getPort()))
                        .path("validation")
                        .path("code")
                        .asText())
                .isEqualTo("unknown_issuer");
        trustCa(account);
        JsonNode viaHttps = check(account, target("HTTPS", https.getAddress().getPort()));
        assertThat(viaHttps.path("ok").asBoolean()).as(viaHttps.toString()).isTrue();
        JsonNode viaSmtp = check(account, target("SMTP_STARTTLS", smtp.getLocalPort()));
        assertThat(viaSmtp.path("ok").asBoolean()).as(viaSmtp.toString()).isTrue();
        JsonNode smtpsOnAStartTlsPort = check(account, target("SMTPS", smtp.getLocalPort()));
        assertThat(smtpsOnAStartTlsPort.path("validation").path("code").asText())
                .isIn("handshake_failed", "timeout");
    }

    @Test
    void aCustomerTrustsTheCasItsVendorShares() {
        String vendor = account();
        String customer = server.admin().createCustomer("Customer " + NEXT.incrementAndGet(), vendor);
        JsonNode imported = server.admin()
                .upload(
                        "/api/v1/accounts/" + vendor + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201)
                .json();
        String id = imported.path("imported").get(0).path("id").asText();
        assertThat(check(customer, target("LDAPS", port("ldaps")))
                        .path("validation")
                        .path("code")
                        .asText())
                .isEqualTo("unknown_issuer");
        server.admin()
                .send("PATCH", "/api/v1/accounts/" + vendor + "/trusted-cas/" + id, Map.of("shareWithCustomers", true))
                .assertStatus(200);
        assertThat(check(customer, target("LDAPS", port("ldaps"))).path("ok").asBoolean())
                .isTrue();
    }

    @Test
    void aClosedPortIsConnectFailed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        // a port the operator did not allow is refused before any connection
        server.admin()
                .post("/api/v1/accounts/" + account() + "/trust/check", target("LDAPS", closed))
                .assertProblem(403, "destination_not_allowed");
        JsonNode refused =
                check(account(), target("LDAPS", 636)); // allowed by default; nothing listens on 127.0.0.1:636 here
        assertThat(refused.path("validation").path("code").asText()).isEqualTo("connect_failed");
        assertThat(refused.path("ok").asBoolean()).isFalse();
    }

    @Test
    void aServerThatNeverAnswersTimesOutAtTheChecksTimeLimit() {
        long started = System.nanoTime();
        JsonNode result = check(account(), target("LDAPS", silent.getLocalPort()));
        assertThat(result.path("validation").path("code").asText()).isEqualTo("timeout");
        assertThat(result.path("validation").path("message").asText()).contains("10 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void anAccountOverItsChecksAMinuteIsToldWhenToTryAgain() {
        String account = account();
        for (int i = 0; i < ConnectionCheckService.RATE_PER_MINUTE; i++) {
            // nothing listens on 127.0.0.1:636 here: each check ends at once
            assertThat(check(account, target("LDAPS", 636))
                            .path("validation")
                            .path("code")
                            .asText())
                    .isEqualTo("connect_failed");
        }
        var refused = server.admin()
                .post("/api/v1/accounts/" + account + "/trust/check", target("LDAPS", 636))
                .assertProblem(429, "too_many_attempts");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        String other = account();
        assertThat(check(other, target("LDAPS", 636))
                        .path("validation")
                        .path("code")
                        .asText())
                .as("another account's checks are its own")
                .isEqualTo("connect_failed");
    }

    @Test
    void aServerThatTricklesItsAnswerByteByByteIsCutOffAtTheChecksTimeLimit() {
        // a byte every 200 ms never lets a per-read timeout fire: only one deadline for the whole check ends it
        long started = System.nanoTime();
        JsonNode result = check(account(), target("SMTP_STARTTLS", trickling.getLocalPort()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.path("validation").path("code").asText()).isEqualTo("timeout");
        assertThat(result.path("validation").path("message").asText()).contains("10 s");
        assertThat(took).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(15));
    }

    @Test
    void theCloudMetadataAddressIsNeverReachedEvenWithLoopbackAllowed() {
        Map<String, Object> body = target("HTTPS", 443);
        body.put("host", "169.254.169.254");
        server.admin()
                .post("/api/v1/accounts/" + account() + "/trust/check", body)
                .assertProblem(403, "destination_not_allowed");
    }

    @Test
    void badRequestsAreRefusedWithTheFieldAtFault() {
        String account = account();
        Map<String, Object> noProtocol = target("GOPHER", 636);
        server.admin()
                .post("/api/v1/accounts/" + account + "/trust/check", noProtocol)
                .assertProblem(422, "validation_failed");
        Map<String, Object> bindWithoutPassword = target("LDAPS", 636);
        bindWithoutPassword.put("bindDn", TlsPeers.BIND_DN);
        server.admin()
                .post("/api/v1/accounts/" + account + "/trust/check", bindWithoutPassword)
                .assertProblem(422, "validation_failed");
        Map<String, Object> bindOverHttps = target("HTTPS", 443);
        bindOverHttps.put("bindDn", TlsPeers.BIND_DN);
        bindOverHttps.put("bindPassword", "x");
        server.admin()
                .post("/api/v1/accounts/" + account + "/trust/check", bindOverHttps)
                .assertProblem(422, "validation_failed");
    }
}
