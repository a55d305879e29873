package io.certdesk.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.tls.TrustingContext;
import io.certdesk.server.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The README's way in: {@code ./certdesk serve} starts a server (built jar, real process), the
 * CLI signs in and manages accounts against it, and SIGTERM stops it gracefully.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class CertdeskCommandIT {
    private static final Path SCRIPT =
            Path.of("..", "certdesk").toAbsolutePath().normalize();
    private static final Pattern SERVING =
            Pattern.compile("Certdesk is serving https://localhost:(\\d+)/ \\(started in (\\d+) ms");
    private static final String PASSWORD = "operator-chosen-password";

    @Parameter
    TestDatabase database;

    Process server;
    com.unboundid.ldap.listener.InMemoryDirectoryServer directory;
    Path work;
    Path configDir;
    final Map<String, String> env = new java.util.HashMap<>();

    @AfterEach
    void stop() throws Exception {
        if (directory != null) {
            directory.shutDown(true);
        }
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOperatorStartsTheServerAndManagesAccountsWithTheCli() throws Exception {
        work = Files.createTempDirectory("certdesk-it");
        configDir = work.resolve("config");
        env.put("CERTDESK_ADMIN_PASSWORD", PASSWORD);
        env.put("CERTDESK_CONFIG_DIR", configDir.toString());
        // a directory server the account's connection check reaches: allowed to the server by its operator's options
        java.time.Instant started = java.time.Instant.now();
        var directoryCa = io.certdesk.pki.testing.TestCa.certificate("O=Globex,CN=Globex Directory CA")
                .validity(started.minus(Duration.ofDays(1)), started.plus(Duration.ofDays(365)))
                .build();
        var directoryLeaf = io.certdesk.pki.testing.TestCa.certificate("CN=127.0.0.1")
                .issuedBy(directoryCa)
                .endEntity()
                .ip("127.0.0.1")
                .validity(started.minus(Duration.ofDays(1)), started.plus(Duration.ofDays(90)))
                .build();
        directory = io.certdesk.server.testing.TlsPeers.directory(new io.certdesk.server.testing.TlsPeers.LdapListener(
                "ldaps",
                true,
                io.certdesk.server.testing.TlsPeers.serverContext(directoryLeaf, directoryCa.certificate())));
        int ldaps = directory.getListenPort("ldaps");
        int httpPort;
        try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpPort = free.getLocalPort();
        }
        List<String> serve = new ArrayList<>(List.of(
                SCRIPT.toString(),
                "serve",
                "--https-port",
                "0",
                "--ipps-port",
                "0",
                "--http-port",
                String.valueOf(httpPort),
                "--bind",
                "127.0.0.1",
                "--data",
                work.resolve("data").toString(),
                "--outbound-allow",
                "127.0.0.0/8",
                "--outbound-ports",
                String.valueOf(ldaps)));
        database.newDatabaseUrl().ifPresent(url -> {
            serve.addAll(List.of("--db-url", url, "--db-user", "postgres"));
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            env.put("CERTDESK_MASTER_KEY", Base64.getEncoder().encodeToString(key));
        });
        ProcessBuilder pb = new ProcessBuilder(serve)
                .redirectOutput(work.resolve("out.log").toFile())
                .redirectError(work.resolve("err.log").toFile());
        pb.environment().putAll(env);
        server = pb.start();
        int port = awaitPort(work.resolve("out.log"));
        Path ca = work.resolve("data").resolve("platform-ca.pem");
        assertThat(ca).exists();
        if (database == TestDatabase.H2) {
            assertThat(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(work.resolve("data").resolve("master.key"))))
                    .isEqualTo("rw-------");
            assertThat(Files.size(work.resolve("data").resolve("master.key"))).isEqualTo(32);
        } else {
            assertThat(work.resolve("data").resolve("master.key")).doesNotExist();
        }

        HttpResponse<String> ready = https(ca)
                .send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        // the CA's publications, over plain HTTP on --http-port, where the startup lines say
        assertThat(Files.readString(work.resolve("out.log")))
                .contains("Revocation published (CRLs, OCSP) under http://localhost:" + httpPort + "/pki/");
        X509Certificate root = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(ca));
        HttpResponse<byte[]> rootDer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/pki/ca/"
                                        + io.certdesk.pki.issue.PkiLocations.caId(root) + ".crt"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(rootDer.statusCode()).isEqualTo(200);
        assertThat(rootDer.body()).isEqualTo(root.getEncoded());

        String server = "https://localhost:" + port;
        Result wrong =
                cli("login", "--server", server, "--cacert", ca.toString(), "-u", "admin", "-p", "not-the-password");
        assertThat(wrong.exit).isEqualTo(1);
        assertThat(wrong.err).contains("The user name or password is wrong.");

        Result login = cli("login", "--server", server, "--cacert", ca.toString(), "-u", "admin", "-p", PASSWORD);
        assertThat(login.exit).as(login.err).isZero();
        assertThat(login.out).contains("Signed in to " + server + " as admin");
        Path session = configDir.resolve("session.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(session)).doesNotContain(PASSWORD);

        Result vendor = cli("accounts", "create", "--name", "Acme Print", "--type", "VENDOR");
        assertThat(vendor.exit).as(vendor.err).isZero();
        String vendorId = idFrom(vendor.out);
        Result customer = cli("accounts", "create", "--name", "Globex", "--type", "customer", "--parent", vendorId);
        assertThat(customer.exit).as(customer.err).isZero();
        String customerId = idFrom(customer.out);

        Result domains = cli("domains", "set", customerId, "print.globex.test", "Bücher.Globex.test");
        assertThat(domains.exit).as(domains.err).isZero();
        assertThat(domains.out).contains("Globex now has print.globex.test, xn--bcher-kva.globex.test");
        Result taken = cli("domains", "set", vendorId, "print.globex.test");
        assertThat(taken.exit).isEqualTo(1);
        assertThat(taken.err).contains("belongs to another account").contains("domain_taken");

        java.time.Instant now = java.time.Instant.now();
        var ldapCa = io.certdesk.pki.testing.TestCa.certificate("O=Globex,CN=Globex LDAP CA")
                .validity(now.minusSeconds(60), now.plus(java.time.Duration.ofDays(900)))
                .build();
        Path caFile = work.resolve("ldap-ca.pem");
        Files.writeString(caFile, io.certdesk.pki.testing.Pem.certificate(ldapCa.certificate()));
        Result caImport = cli("ca", "import", "--account", customerId, caFile.toString());
        assertThat(caImport.exit).as(caImport.err).isZero();
        assertThat(caImport.out).contains("imported CN=Globex LDAP CA,O=Globex");

        var leaf = io.certdesk.pki.testing.TestCa.certificate("CN=print.globex.test")
                .issuedBy(ldapCa)
                .endEntity()
                .dns("print.globex.test")
                .validity(now.minusSeconds(60), now.plus(java.time.Duration.ofDays(300)))
                .build();
        Path pfx = work.resolve("print.pfx");
        Files.write(
                pfx,
                io.certdesk.pki.testing.Pkcs12Files.jdk(
                        leaf.key(), List.of(leaf.certificate()), "pfx-pass".toCharArray(), "pfx-pass".toCharArray()));
        Path passwordFile = work.resolve("pfx-password.txt");
        Files.writeString(passwordFile, "pfx-pass\n");
        Result chainImport = cli(
                "chain", "import", "--account", customerId, "--password-file", passwordFile.toString(), pfx.toString());
        assertThat(chainImport.exit).as(chainImport.err).isZero();
        assertThat(chainImport.out).contains("imported chain").contains("CN=print.globex.test");
        Files.writeString(passwordFile, "wrong\n");
        Result wrongPfx = cli(
                "chain", "import", "--account", customerId, "--password-file", passwordFile.toString(), pfx.toString());
        assertThat(wrongPfx.exit).isEqualTo(1);
        assertThat(wrongPfx.err).contains("wrong_password");

        Result generated = cli(
                "chain",
                "generate",
                "--account",
                customerId,
                "--purpose",
                "TLS_SERVER",
                "--domain",
                "print.globex.test");
        assertThat(generated.exit).as(generated.err).isZero();
        assertThat(generated.out).contains("generated chain");
        Result chains = cli("chains", "list", "--account", customerId);
        assertThat(chains.out.lines().count()).isEqualTo(4);
        assertThat(chains.out).contains("IMPORTED").contains("GENERATED").contains("TOKEN_SIGNING");
        String generatedId = generated.out.split("\\s+")[2];
        Result renewed = cli("chain", "renew", "--account", customerId, generatedId);
        assertThat(renewed.exit).as(renewed.err).isZero();
        assertThat(renewed.out).startsWith("renewed chain " + generatedId + " as ");
        String renewedId = renewed.out.split("\\s+")[4];
        Result renewedAgain = cli("chain", "renew", "--account", customerId, generatedId);
        assertThat(renewedAgain.exit).isEqualTo(1);
        assertThat(renewedAgain.err).contains("already_renewed");
        Result expiring = cli("expiring", "--account", customerId, "--within", "P400D");
        assertThat(expiring.exit).as(expiring.err).isZero();
        assertThat(expiring.out)
                .contains(renewedId)
                .doesNotContain(generatedId)
                .contains("certificates end within P400D");
        Result platformExpiring = cli("expiring", "--within", "P400D");
        assertThat(platformExpiring.exit).as(platformExpiring.err).isZero();
        assertThat(platformExpiring.out).contains("NODE_SERVER").contains(renewedId);
        Result revoked = cli("chain", "revoke", "--account", customerId, generatedId, "--reason", "keyCompromise");
        assertThat(revoked.exit).as(revoked.err).isZero();
        assertThat(revoked.out).contains("revoked chain " + generatedId).contains("keyCompromise");
        Result again = cli("chain", "revoke", "--account", customerId, generatedId, "--reason", "superseded");
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).contains("already_revoked");
        assertThat(cli("chains", "list", "--account", customerId).out).contains("(revoked: keyCompromise)");
        assertThat(cli("pki", "show", "--account", customerId).out)
                .startsWith("signing chain: ")
                .doesNotContain("none")
                .contains("token lifetime: 900 s")
                .contains(" ACTIVE");

        // A key made on the platform, its CSR signed by the customer's own CA, taken back as a chain.
        Path csrFile = work.resolve("request.csr");
        Result requested = cli(
                "chain",
                "request",
                "--account",
                customerId,
                "--domain",
                "print.globex.test",
                "--key-type",
                "RSA_2048",
                "--csr-out",
                csrFile.toString());
        assertThat(requested.exit).as(requested.err).isZero();
        assertThat(requested.out).startsWith("request ").contains("print.globex.test (RSA_2048)");
        String requestId = requested.out.split("\\s+")[1];
        var requestKey = io.certdesk.pki.request.Pkcs10.readPkcs10(Files.readAllBytes(csrFile))
                .publicKey();
        var signedElsewhere = io.certdesk.pki.testing.TestCa.certificate("CN=print.globex.test")
                .issuedBy(ldapCa)
                .endEntity()
                .keyPair(new java.security.KeyPair(requestKey, null))
                .dns("print.globex.test")
                .validity(now.minusSeconds(60), now.plus(java.time.Duration.ofDays(200)))
                .build();
        Path signedFile = work.resolve("signed.pem");
        Files.writeString(signedFile, io.certdesk.pki.testing.Pem.certificate(signedElsewhere.certificate()));
        Result completed = cli("chain", "complete", "--account", customerId, requestId, signedFile.toString());
        assertThat(completed.exit).as(completed.err).isZero();
        assertThat(completed.out).startsWith("chain ").contains("CN=print.globex.test");
        assertThat(cli("chains", "list", "--account", customerId).out).contains("REQUESTED");
        Result completedAgain = cli("chain", "complete", "--account", customerId, requestId, signedFile.toString());
        assertThat(completedAgain.exit).isEqualTo(1);
        assertThat(completedAgain.err).contains("not_found");

        // A device's own CSR signed by the platform CA, then revoked.
        var device = io.certdesk.pki.keys.KeyPairs.generate(
                io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom());
        Path deviceCsr = work.resolve("device.csr");
        Files.write(
                deviceCsr,
                io.certdesk.pki.request.Pkcs10.build(
                        device, io.certdesk.pki.keys.KeyType.EC_P256, List.of("print.globex.test")));
        Path deviceChain = work.resolve("device-chain.pem");
        Result deviceSigned = cli(
                "certificate",
                "sign",
                "--account",
                customerId,
                "--profile",
                "TLS_SERVER_AND_CLIENT",
                "--out",
                deviceChain.toString(),
                deviceCsr.toString());
        assertThat(deviceSigned.exit).as(deviceSigned.err).isZero();
        assertThat(deviceSigned.out).startsWith("signed serial ").contains("for print.globex.test until");
        assertThat(Files.readString(deviceChain).split("-----BEGIN CERTIFICATE-----"))
                .hasSize(4);
        String deviceSerial = deviceSigned.out.split("\\s+")[2];
        Files.write(
                deviceCsr,
                io.certdesk.pki.request.Pkcs10.build(
                        device, io.certdesk.pki.keys.KeyType.EC_P256, List.of("print.vendor-b.test")));
        Result foreign = cli("certificate", "sign", "--account", customerId, deviceCsr.toString());
        assertThat(foreign.exit).isEqualTo(1);
        assertThat(foreign.err).contains("domain_not_allowed");
        Result deviceRevoked =
                cli("certificate", "revoke", "--account", customerId, deviceSerial, "--reason", "keyCompromise");
        assertThat(deviceRevoked.exit).as(deviceRevoked.err).isZero();
        assertThat(deviceRevoked.out).contains("revoked serial " + deviceSerial).contains("keyCompromise");

        Result eab = cli("acme", "eab-create", "--account", customerId, "--description", "print fleet");
        assertThat(eab.exit).as(eab.err).isZero();
        assertThat(eab.out)
                .contains("/acme/" + customerId + "/directory")
                .contains("eab key id: eab_")
                .contains("eab hmac key: ");
        assertThat(cli("acme", "eab-list", "--account", customerId).out).contains("unused");

        // An API client, a token issued with its secret, verified against the published keys.
        Result created = cli("clients", "create", "--account", customerId, "--name", "Print fleet");
        assertThat(created.exit).as(created.err).isZero();
        String clientId = created.out
                .lines()
                .filter(l -> l.startsWith("client id:"))
                .findFirst()
                .orElseThrow()
                .substring(10)
                .strip();
        String secret = created.out
                .lines()
                .filter(l -> l.startsWith("client secret:"))
                .findFirst()
                .orElseThrow()
                .substring(14)
                .strip();
        Path secretFile = work.resolve("client.secret");
        Files.writeString(secretFile, secret + "\n");
        assertThat(cli("clients", "list", "--account", customerId).out)
                .contains(clientId)
                .contains("certificates:read")
                .doesNotContain(secret);
        Result issued = cli(
                "token",
                "issue",
                "--account",
                customerId,
                "--client-id",
                clientId,
                "--client-secret-file",
                secretFile.toString());
        assertThat(issued.exit).as(issued.err).isZero();
        String accessToken = issued.out.strip();
        assertThat(accessToken.split("\\.")).hasSize(3);
        assertThat(issued.err).contains("expires in 900 s");
        Result verified = cli("token", "verify", accessToken);
        assertThat(verified.exit).as(verified.out + verified.err).isZero();
        assertThat(verified.out).contains("valid: ES256 token of client " + clientId + " for " + customerId);
        Result tampered = cli("token", "verify", accessToken.substring(0, accessToken.length() - 4) + "AAAA");
        assertThat(tampered.exit).isEqualTo(1);
        assertThat(tampered.out).contains("not valid: its signature does not verify");
        Files.writeString(secretFile, "not-the-secret\n");
        Result refusedToken = cli(
                "token",
                "issue",
                "--account",
                customerId,
                "--client-id",
                clientId,
                "--client-secret-file",
                secretFile.toString());
        assertThat(refusedToken.exit).isEqualTo(1);
        assertThat(refusedToken.err).contains("invalid_client");
        assertThat(cli("clients", "delete", "--account", customerId, clientId).out)
                .contains("deleted " + clientId);

        assertThat(cli("pki", "set-signing", "--account", customerId, "none").out)
                .contains("signing chain: none");

        Result untrusted = cli("trust", "check", "--account", customerId, "127.0.0.1:" + ldaps, "--protocol", "LDAPS");
        assertThat(untrusted.exit).as(untrusted.err).isEqualTo(1);
        assertThat(untrusted.out)
                .startsWith("unknown_issuer: ")
                .contains("to trust:  CN=Globex Directory CA,O=Globex (sha256 "
                        + io.certdesk.pki.codec.CertificateCodec.sha256Hex(directoryCa.certificate()) + ")");
        Path directoryCaFile = work.resolve("directory-ca.pem");
        Files.writeString(directoryCaFile, io.certdesk.pki.testing.Pem.certificate(directoryCa.certificate()));
        assertThat(cli("ca", "import", "--account", customerId, directoryCaFile.toString()).exit)
                .isZero();
        Path bindPassword = work.resolve("bind-password");
        Files.writeString(bindPassword, io.certdesk.server.testing.TlsPeers.BIND_PASSWORD + "\n");
        Result trusted = cli(
                "trust",
                "check",
                "--account",
                customerId,
                "127.0.0.1:" + ldaps,
                "--protocol",
                "LDAPS",
                "--bind-dn",
                io.certdesk.server.testing.TlsPeers.BIND_DN,
                "--bind-password-file",
                bindPassword.toString());
        assertThat(trusted.exit).as(trusted.out + trusted.err).isZero();
        assertThat(trusted.out)
                .startsWith("trusted: ")
                .contains("tls:       TLSv1.3")
                .contains("bind:      ok");

        Result list = cli("accounts", "list");
        assertThat(list.out).contains(vendorId).contains(customerId).contains("print.globex.test");
        assertThat(cli("accounts", "list", "--json").out).contains("\"parentId\" : \"" + vendorId + "\"");
        Result found = cli("accounts", "list", "--name", "GLOBEX", "--json");
        assertThat(found.exit).as(found.err).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(found.out)
                        .path("accounts"))
                .extracting(a -> a.path("id").asText())
                .containsExactly(customerId);
        assertThat(cli("accounts", "create", "--help").out).contains("--parent");

        String token = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(session.toFile())
                .path("token")
                .asText();
        assertThat(token).hasSizeGreaterThan(40);

        assertThat(cli("logout").exit).isZero();
        assertThat(cli("accounts", "list").err).contains("Not signed in");

        server().destroy(); // SIGTERM
        assertThat(server().waitFor(30, TimeUnit.SECONDS))
                .as("stops within 30 s of SIGTERM")
                .isTrue();
        String logs = Files.readString(work.resolve("err.log")) + Files.readString(work.resolve("out.log"));
        assertThat(logs)
                .contains("Certdesk stopped")
                .contains("POST /api/v1/auth/login 401")
                .doesNotContain(PASSWORD)
                .doesNotContain("not-the-password")
                .doesNotContain(io.certdesk.server.testing.TlsPeers.BIND_PASSWORD)
                .doesNotContain(token)
                .doesNotContain(secret)
                .doesNotContain("PRIVATE KEY");
    }

    private Process server() {
        return server;
    }

    private static String idFrom(String out) {
        Matcher m = Pattern.compile("with id ([0-9a-f-]{36})").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    private int awaitPort(Path out) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.exists(out) ? Files.readString(out) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server exited: " + Files.readString(work.resolve("err.log")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start: " + Files.readString(work.resolve("err.log")));
    }

    record Result(int exit, String out, String err) {}

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().putAll(env);
        pb.environment().remove("CERTDESK_ADMIN_PASSWORD");
        Path out = Files.createTempFile(work, "cli", ".out");
        Path err = Files.createTempFile(work, "cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static HttpClient https(Path caPem) throws Exception {
        try (var in = Files.newInputStream(caPem)) {
            X509Certificate ca =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HttpClient.newBuilder()
                    .sslContext(TrustingContext.trustingOnly(List.of(ca)))
                    .build();
        }
    }
}
