package io.certdesk.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's certbot and lego against an account's ACME directory, with external account binding,
 * trusting Certdesk's HTTPS through the platform CA only; the names they ask for resolve to
 * 127.0.0.1 in this JVM only (see the acme-clients execution in the pom).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class AcmeClientsIT {
    @Parameter
    TestDatabase database;

    static TestServer server;
    static int httpPort;
    static int tlsPort;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) throws Exception {
        httpPort = freePort();
        tlsPort = freePort();
        server = TestServer.startForAcme(database, List.of("127.0.0.0/8"), new ChallengePorts(httpPort, tlsPort));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        server = null;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String accountWith(String domain) {
        String account = server.admin().createVendor("ACME " + domain + " " + System.nanoTime());
        server.admin().setDomains(account, domain);
        return account;
    }

    private static JsonNode eab(String account) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/acme/eab", Map.of("description", "test client"))
                .assertStatus(201)
                .json();
    }

    private static String directory(String account) {
        return "https://localhost:" + server.server().httpsPort() + "/acme/" + account + "/directory";
    }

    private static Path caFile(Path dir) throws Exception {
        Path ca = dir.resolve("platform-ca.pem");
        Files.write(ca, server.anonymous().get("/api/v1/platform/ca.pem").raw().body());
        return ca;
    }

    private static List<String> certbot(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "certbot",
                "--non-interactive",
                "--config-dir",
                dir.resolve("config").toString(),
                "--work-dir",
                dir.resolve("work").toString(),
                "--logs-dir",
                dir.resolve("logs").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static DebianTools.Run run(Path dir, Map<String, String> env, List<String> command) {
        long started = System.nanoTime();
        DebianTools.Run run = DebianTools.run(dir, env, 180, command.toArray(new String[0]));
        System.err.println(
                "[acme-it] " + (System.nanoTime() - started) / 1_000_000 + " ms: " + String.join(" ", command));
        return run;
    }

    private static String ocsp(Path dir, Path leaf, Path issuer, Path ca) {
        return DebianTools.run(
                        dir,
                        "openssl",
                        "ocsp",
                        "-issuer",
                        issuer.toString(),
                        "-cert",
                        leaf.toString(),
                        "-url",
                        "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/pki/ocsp",
                        "-CAfile",
                        ca.toString())
                .output();
    }

    @Test
    void certbotGetsRenewsAndRevokesACertificateOverHttp01WithExternalAccountBinding() throws Exception {
        DebianTools.require("certbot");
        DebianTools.require("openssl");
        String domain = "certbot.acme.test";
        String account = accountWith(domain);
        JsonNode eab = eab(account);
        Path dir = Files.createTempDirectory("certbot");
        Map<String, String> env = Map.of("REQUESTS_CA_BUNDLE", caFile(dir).toString(), "HOME", dir.toString());

        // no EAB: the directory refuses to make an account
        var refused = run(
                dir,
                env,
                certbot(dir, "register", "--agree-tos", "-m", "ops@acme.test", "--server", directory(account)));
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.output()).contains("external account binding");

        var issued = run(
                dir,
                env,
                certbot(
                        dir,
                        "certonly",
                        "--standalone",
                        "--agree-tos",
                        "-m",
                        "ops@acme.test",
                        "--server",
                        directory(account),
                        "--eab-kid",
                        eab.path("keyId").asText(),
                        "--eab-hmac-key",
                        eab.path("hmacKey").asText(),
                        "-d",
                        domain,
                        "--http-01-port",
                        Integer.toString(httpPort),
                        "--http-01-address",
                        "127.0.0.1",
                        "--key-type",
                        "ecdsa"));
        assertThat(issued.exit()).as(issued.output()).isZero();
        Path live = dir.resolve("config/live/" + domain);
        var verify = DebianTools.run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                dir.resolve("platform-ca.pem").toString(),
                "-untrusted",
                live.resolve("chain.pem").toString(),
                "-verify_hostname",
                domain,
                "-purpose",
                "sslserver",
                live.resolve("cert.pem").toString());
        assertThat(verify.output()).contains(": OK");
        String firstSha = sha256(live.resolve("cert.pem"));

        // the certificate is the account's: listed, in the expiry view
        JsonNode listed = server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .json()
                .path("certificates");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("issuedFor").asText()).isEqualTo("ACME");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/expiring?within=P100D")
                        .text())
                .contains(listed.get(0).path("serial").asText());
        // the credential is bound now, and only once
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/acme/eab")
                        .json()
                        .path("credentials")
                        .get(0)
                        .path("acmeAccountId")
                        .asText())
                .isNotEmpty();

        var renewed = run(
                dir,
                env,
                certbot(
                        dir,
                        "renew",
                        "--no-random-sleep-on-renew",
                        "--force-renewal",
                        "--http-01-port",
                        Integer.toString(httpPort),
                        "--http-01-address",
                        "127.0.0.1"));
        assertThat(renewed.exit()).as(renewed.output()).isZero();
        assertThat(sha256(live.resolve("cert.pem"))).isNotEqualTo(firstSha);

        var revoked = run(
                dir,
                env,
                certbot(
                        dir,
                        "revoke",
                        "--cert-path",
                        live.resolve("cert.pem").toString(),
                        "--reason",
                        "keycompromise",
                        "--no-delete-after-revoke",
                        "--server",
                        directory(account)));
        assertThat(revoked.exit()).as(revoked.output()).isZero();
        assertThat(ocsp(dir, live.resolve("cert.pem"), live.resolve("chain.pem"), dir.resolve("platform-ca.pem")))
                .contains("Response verify OK")
                .contains(": revoked");

        // a name of another account is refused, and nothing is issued for it
        accountWith("foreign.acme.test");
        var foreign = run(
                dir,
                env,
                certbot(
                        dir,
                        "certonly",
                        "--standalone",
                        "--server",
                        directory(account),
                        "-d",
                        "foreign.acme.test",
                        "--http-01-port",
                        Integer.toString(httpPort),
                        "--http-01-address",
                        "127.0.0.1"));
        assertThat(foreign.exit()).isNotZero();
        // certbot 2.1 on Python 3.11 fails printing the problem (a josepy AttributeError); its log has it
        assertThat(foreign.output() + Files.readString(dir.resolve("logs/letsencrypt.log")))
                .contains("urn:ietf:params:acme:error:rejectedIdentifier");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/certificates")
                        .json()
                        .path("certificates"))
                .hasSize(2);
    }

    @Test
    void legoGetsACertificateOverHttp01AndTlsAlpn01RenewsAndRevokesIt() throws Exception {
        DebianTools.require("lego");
        DebianTools.require("openssl");
        String domain = "lego.acme.test";
        String account = accountWith(domain);
        server.admin()
                .put(
                        "/api/v1/accounts/" + account + "/domains",
                        Map.of("domains", List.of(domain, "lego-tls.acme.test")))
                .assertStatus(200);
        JsonNode eab = eab(account);
        Path dir = Files.createTempDirectory("lego");
        Map<String, String> env = Map.of("LEGO_CA_CERTIFICATES", caFile(dir).toString(), "HOME", dir.toString());
        List<String> base = List.of(
                "lego",
                "--server",
                directory(account),
                "--eab",
                "--kid",
                eab.path("keyId").asText(),
                "--hmac",
                eab.path("hmacKey").asText(),
                "--email",
                "ops@acme.test",
                "--accept-tos",
                "--path",
                dir.resolve("lego").toString());

        List<String> http = new ArrayList<>(base);
        http.addAll(List.of("--domains", domain, "--http", "--http.port", "127.0.0.1:" + httpPort, "run"));
        var issued = run(dir, env, http);
        assertThat(issued.exit()).as(issued.output()).isZero();
        Path cert = dir.resolve("lego/certificates/" + domain + ".crt");
        assertThat(Files.readString(cert)).contains("BEGIN CERTIFICATE");

        List<String> tls = new ArrayList<>(base);
        tls.addAll(List.of("--domains", "lego-tls.acme.test", "--tls", "--tls.port", "127.0.0.1:" + tlsPort, "run"));
        var overTls = run(dir, env, tls);
        assertThat(overTls.exit()).as(overTls.output()).isZero();
        Path tlsCert = dir.resolve("lego/certificates/lego-tls.acme.test.crt");
        String before = sha256(tlsCert);

        List<String> renew = new ArrayList<>(base);
        renew.addAll(List.of(
                "--domains",
                "lego-tls.acme.test",
                "--tls",
                "--tls.port",
                "127.0.0.1:" + tlsPort,
                "renew",
                "--days",
                "365",
                "--no-random-sleep"));
        var renewed = run(dir, env, renew);
        assertThat(renewed.exit()).as(renewed.output()).isZero();
        assertThat(sha256(tlsCert)).isNotEqualTo(before);

        List<String> revoke = new ArrayList<>(base);
        revoke.addAll(List.of("--domains", domain, "revoke", "--reason", "1", "--keep"));
        var revoked = run(dir, env, revoke);
        assertThat(revoked.exit()).as(revoked.output()).isZero();
        Path issuer = dir.resolve("lego/certificates/" + domain + ".issuer.crt");
        assertThat(ocsp(dir, cert, issuer, dir.resolve("platform-ca.pem"))).contains(": revoked");
    }

    @Test
    void aChallengeTowardADeniedAddressIsNeverConnected() throws Exception {
        int port = freePort();
        // a node with the default outbound guard: loopback is denied to validation
        try (TestServer guarded = TestServer.startForAcme(database, List.of(), new ChallengePorts(port, port));
                ServerSocket listener = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
            Thread accepting = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (var ignored = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            String account = guarded.admin().createVendor("Denied " + System.nanoTime());
            guarded.admin().setDomains(account, "denied.acme.test");
            JsonNode credential = guarded.admin()
                    .post("/api/v1/accounts/" + account + "/acme/eab", Map.of())
                    .assertStatus(201)
                    .json();
            var client = new io.certdesk.server.testing.AcmeTestClient(
                    "https://localhost:" + guarded.server().httpsPort() + "/acme/" + account + "/directory",
                    guarded.server().platformCa().root());
            client.register(
                    credential.path("keyId").asText(),
                    credential.path("hmacKey").asText());
            var order = client.send(
                    client.directory().path("newOrder").asText(),
                    Map.of("identifiers", List.of(Map.of("type", "dns", "value", "denied.acme.test"))));
            String authz = order.json().path("authorizations").get(0).asText();
            JsonNode challenge = null;
            for (JsonNode c : client.send(authz, null).json().path("challenges")) {
                if (c.path("type").asText().equals("http-01")) {
                    challenge = c;
                }
            }
            client.send(challenge.path("url").asText(), Map.of());
            JsonNode[] seen = new JsonNode[1];
            io.certdesk.server.testing.Eventually.holds("the authorization fails", () -> {
                seen[0] = client.send(authz, null).json();
                return seen[0].path("status").asText().equals("invalid");
            });
            assertThat(seen[0].toString())
                    .contains("not an allowed destination")
                    .contains("connection");
            assertThat(client.send(order.raw().headers().firstValue("Location").orElseThrow(), null)
                            .json()
                            .path("status")
                            .asText())
                    .isEqualTo("invalid");
            assertThat(connections.get())
                    .as("connections to the denied address")
                    .isZero();
        }
    }

    private static String sha256(Path pem) throws Exception {
        var certificate =
                (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(Files.newInputStream(pem));
        return io.certdesk.pki.codec.CertificateCodec.sha256Hex(certificate);
    }
}
