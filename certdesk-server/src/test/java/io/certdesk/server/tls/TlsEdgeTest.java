package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.OpenSslClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real TLS clients see, per host name, the chain the account's settings say, on the HTTPS and IPPS ports. */
class TlsEdgeTest extends OnBothDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final char[] PASSWORD = "edge-pass".toCharArray();
    private static Path dir;

    @BeforeAll
    static void platformCaFile() throws Exception {
        dir = Files.createTempDirectory("tls-edge");
    }

    private static Path platformCa() {
        return server.platformCaFile(dir);
    }

    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    /** A vendor owning {@code names} (made unique per test). */
    private static String accountWith(String... names) {
        String account = server.admin().createVendor("Edge " + NEXT.incrementAndGet());
        server.admin().setDomains(account, names);
        return account;
    }

    private static String unique(String label) {
        return label + "-" + NEXT.incrementAndGet() + "-" + System.nanoTime() % 100_000 + ".edge.test";
    }

    private static JsonNode generate(String account, String domain, String keyType) {
        return server.admin()
                .post(
                        base(account) + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", domain, "keyType", keyType))
                .assertStatus(201)
                .json();
    }

    /** Imports a chain for {@code dnsName} (leaf subject CN={@code cn}) issued by a root of its own; returns that root as a PEM file. */
    private static Path importOwnChain(String account, String cn, String dnsName, KeyType keyType) throws Exception {
        Instant now = Instant.now();
        var root = TestCa.certificate("O=Acme,CN=Own Root " + NEXT.incrementAndGet())
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)))
                .build();
        var leaf = TestCa.certificate("CN=" + cn)
                .issuedBy(root)
                .endEntity()
                .dns(dnsName)
                .keyType(keyType)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        byte[] pfx = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate(), root.certificate()), PASSWORD, PASSWORD);
        server.admin()
                .upload(
                        base(account) + "/private-chains/import",
                        "file",
                        "own.pfx",
                        pfx,
                        Map.of("password", new String(PASSWORD)))
                .assertStatus(201);
        Path rootFile = Files.createTempFile(dir, "own-root", ".pem");
        Files.writeString(rootFile, Pem.certificate(root.certificate()));
        return rootFile;
    }

    private static OpenSslClient.Result https(Optional<String> name, Path caFile, String... extra) {
        return OpenSslClient.connect(dir, server.server().httpsPort(), name, caFile, extra);
    }

    @Test
    void aGeneratedChainIsServedForItsDomainAndVerifiesAgainstThePlatformCa() throws Exception {
        String name = unique("print");
        String account = accountWith(name);
        JsonNode chain = generate(account, name, "EC_P256");
        for (int port : List.of(server.server().httpsPort(), server.ippsPort())) {
            var seen = OpenSslClient.connect(dir, port, Optional.of(name), platformCa());
            assertThat(seen.verified()).as(seen.output()).isTrue();
            assertThat(seen.leafSha256()).isEqualTo(chain.path("sha256").asText());
            assertThat(seen.chain()).as("leaf, issuing CA and root").hasSize(3);
        }
        var pem = server.admin()
                .get(base(account) + "/tls/" + name + "/chain.pem")
                .assertStatus(200);
        assertThat(pem.header("Certdesk-Chain")).isEqualTo("account");
        assertThat(pem.text()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE");
    }

    @Test
    void anImportedChainIsServedAndVerifiesAgainstItsOwnRoot() throws Exception {
        String name = unique("pos");
        String account = accountWith(name);
        Path ownRoot = importOwnChain(account, name, name, KeyType.RSA_2048);
        JsonNode imported = server.admin()
                .get(base(account) + "/private-chains")
                .json()
                .path("chains")
                .get(1);
        var seen = https(Optional.of(name), ownRoot);
        assertThat(seen.verified()).as(seen.output()).isTrue();
        assertThat(seen.leafSha256()).isEqualTo(imported.path("sha256").asText());
        assertThat(https(Optional.of(name), platformCa()).verified())
                .as("not issued by the platform CA")
                .isFalse();
    }

    @Test
    void aWildcardChainServesANameOneLabelBelowIt() throws Exception {
        String zone = unique("wild");
        String name = "kiosk." + zone;
        String account = accountWith(name);
        Path wildRoot = importOwnChain(account, "*." + zone, "*." + zone, KeyType.EC_P256);
        var seen = https(Optional.of(name), wildRoot);
        assertThat(seen.verified()).as(seen.output()).isTrue();
        assertThat(seen.leafSubject()).isEqualTo("CN=*." + zone);
    }

    @Test
    void aBoundChainIsServedOverANewerUnboundOne() throws Exception {
        String name = unique("bound");
        String account = accountWith(name);
        JsonNode older = generate(account, name, "EC_P256");
        JsonNode newer = generate(account, name, "EC_P256");
        assertThat(https(Optional.of(name), platformCa()).leafSha256())
                .as("unbound: the newest")
                .isEqualTo(newer.path("sha256").asText());

        server.admin().bindTls(account, name, older.path("id").asText()).assertStatus(200);
        var seen = https(Optional.of(name), platformCa());
        assertThat(seen.verified()).isTrue();
        assertThat(seen.leafSha256())
                .as("the binding wins")
                .isEqualTo(older.path("sha256").asText());
    }

    @Test
    void withoutSniOrForANameNoAccountOwnsThePlatformCertificateIsServed() throws Exception {
        String name = unique("owned");
        generate(accountWith(name), name, "EC_P256");
        String platformLeaf =
                server.anonymous().get("/api/v1/platform/ca.pem").text(); // the root; the leaf is checked by subject
        assertThat(platformLeaf).isNotBlank();

        var noSni = https(Optional.empty(), platformCa());
        assertThat(noSni.verified()).as(noSni.output()).isTrue();
        assertThat(noSni.leafSubject()).isEqualTo("CN=localhost");
        var unknown = https(Optional.of(unique("nobody")), platformCa());
        assertThat(unknown.leafSubject()).isEqualTo("CN=localhost");
        assertThat(unknown.verified())
                .as("the platform certificate does not name it")
                .isFalse();
    }

    @Test
    void whatTheApiSaysEachChainIsServedForIsWhatClientsAreShown() throws Exception {
        String name = unique("said");
        String other = unique("other");
        String account = accountWith(name, other);
        JsonNode older = generate(account, name, "EC_P256");
        JsonNode newer = generate(account, name, "EC_P256");
        JsonNode rsa = generate(account, name, "RSA_2048");
        assertThat(servedFor(account, older)).isEmpty();
        assertThat(servedFor(account, newer)).containsExactly(name + " NEWEST_VALID");
        assertThat(servedFor(account, rsa)).containsExactly(name + " NEWEST_VALID");
        assertThat(chainOf(account, older).path("covers"))
                .extracting(JsonNode::asText)
                .containsExactly(name);
        assertThat(https(Optional.of(name), platformCa(), "-sigalgs", "ECDSA+SHA256")
                        .leafSha256())
                .isEqualTo(newer.path("sha256").asText());
        assertThat(https(Optional.of(name), platformCa(), "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")
                        .leafSha256())
                .isEqualTo(rsa.path("sha256").asText());

        server.admin().bindTls(account, name, older.path("id").asText()).assertStatus(200);
        assertThat(servedFor(account, older)).containsExactly(name + " BOUND");
        assertThat(servedFor(account, newer)).isEmpty();
        assertThat(servedFor(account, rsa)).containsExactly(name + " KEY_TYPE_FALLBACK");
        assertThat(https(Optional.of(name), platformCa(), "-sigalgs", "ECDSA+SHA256")
                        .leafSha256())
                .isEqualTo(older.path("sha256").asText());
        assertThat(https(Optional.of(name), platformCa(), "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")
                        .leafSha256())
                .isEqualTo(rsa.path("sha256").asText());
        assertThat(https(Optional.of(name), platformCa()).leafSha256())
                .as("a client verifying both")
                .isEqualTo(older.path("sha256").asText());
    }

    private static JsonNode chainOf(String account, JsonNode chain) {
        return server.admin()
                .get(base(account) + "/private-chains/" + chain.path("id").asText())
                .assertStatus(200)
                .json();
    }

    private static List<String> servedFor(String account, JsonNode chain) {
        List<String> out = new java.util.ArrayList<>();
        chainOf(account, chain)
                .path("servedFor")
                .forEach(s -> out.add(
                        s.path("domain").asText() + " " + s.path("reason").asText()));
        return out;
    }

    @Test
    void aClientOfferingOnlyRsaGetsTheRsaChainAndOnlyEcdsaTheEcChain() throws Exception {
        String name = unique("mixed");
        String account = accountWith(name);
        JsonNode rsa = generate(account, name, "RSA_2048");
        JsonNode ec = generate(account, name, "EC_P256");
        var rsaOnly = https(Optional.of(name), platformCa(), "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256");
        assertThat(rsaOnly.verified()).as(rsaOnly.output()).isTrue();
        assertThat(rsaOnly.leafSha256()).isEqualTo(rsa.path("sha256").asText());
        var ecOnly = https(Optional.of(name), platformCa(), "-sigalgs", "ECDSA+SHA256");
        assertThat(ecOnly.leafSha256()).isEqualTo(ec.path("sha256").asText());
        var tls12RsaOnly = https(Optional.of(name), platformCa(), "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(tls12RsaOnly.verified()).as(tls12RsaOnly.output()).isTrue();
        assertThat(tls12RsaOnly.leafSha256())
                .as("TLS 1.2 with RSA suites only")
                .isEqualTo(rsa.path("sha256").asText());
        // a first key share the server does not take: it asks again (HelloRetryRequest), the choice stands
        var retried = https(
                Optional.of(name), platformCa(), "-groups", "ffdhe2048:X25519", "-sigalgs", "RSA-PSS+SHA256", "-msg");
        assertThat(retried.verified()).as(retried.output()).isTrue();
        assertThat(retried.output().split(", ClientHello", -1).length - 1)
                .as("two ClientHellos: a HelloRetryRequest happened\n" + retried.output())
                .isEqualTo(2);
        assertThat(retried.leafSha256())
                .as("after a HelloRetryRequest")
                .isEqualTo(rsa.path("sha256").asText());
    }

    @Test
    void curlTrustingOnlyThePlatformCaReachesTheApiByTheAccountsName() throws Exception {
        DebianTools.require("curl");
        String name = unique("api");
        generate(accountWith(name), name, "EC_P256");
        int port = server.server().httpsPort();
        var curl = DebianTools.run(
                dir,
                "curl",
                "-sS",
                "--fail",
                "--cacert",
                platformCa().toString(),
                "--resolve",
                name + ":" + port + ":127.0.0.1",
                "https://" + name + ":" + port + "/readyz",
                "-w",
                "%{http_code} %{ssl_verify_result}");
        assertThat(curl.exit()).as(curl.output()).isZero();
        assertThat(curl.output()).endsWith("200 0");
    }

    @Test
    void aDomainsServedChainIsPublishedForTerminalsAndThePlatformsWhenItHasNone() throws Exception {
        String name = unique("terminal");
        String account = accountWith(name);
        var none = server.admin()
                .get(base(account) + "/tls/" + name + "/chain.pem")
                .assertStatus(200);
        assertThat(none.header("Certdesk-Chain")).isEqualTo("platform");
        JsonNode chain = generate(account, name, "EC_P256");
        var own = server.admin()
                .get(base(account) + "/tls/" + name + "/chain.pem")
                .assertStatus(200);
        assertThat(own.header("Certdesk-Chain")).isEqualTo("account");
        assertThat(own.text())
                .isEqualTo(server.admin()
                        .get(base(account) + "/private-chains/"
                                + chain.path("id").asText() + "/chain.pem")
                        .text());
        server.admin()
                .get(base(account) + "/tls/" + unique("other") + "/chain.pem")
                .assertProblem(404, "not_found");

        String metrics = server.anonymous().get("/metrics").text();
        assertThat(metrics)
                .contains("certdesk_tls_handshakes_total{listener=\"https\",outcome=\"default\"}")
                .contains("certdesk_tls_chains");
    }

    @Test
    void theEdgeChoosesTheCipherSuiteByItsOwnOrderAndRefusesTls11EvenWhenTheClientOffersIt() {
        // the client prefers AES-256; the edge's own order puts AES-128 first, and it holds
        var tls12 = OpenSslClient.connect(
                dir,
                server.server().httpsPort(),
                Optional.empty(),
                platformCa(),
                "-tls1_2",
                "-cipher",
                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"
                        + ":ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(tls12.verified()).as(tls12.output()).isTrue();
        assertThat(tls12.output()).containsPattern("Cipher is ECDHE-(ECDSA|RSA)-AES128-GCM-SHA256");

        var tls11 = OpenSslClient.connect(
                dir,
                server.server().httpsPort(),
                Optional.empty(),
                platformCa(),
                "-tls1_1",
                "-cipher",
                "DEFAULT@SECLEVEL=0");
        assertThat(tls11.exit()).as(tls11.output()).isNotZero();
        assertThat(tls11.chain()).isEmpty();
    }

    @Test
    void theIppsPortServesPrintingOnlyAndTheHttpsPortNoPrinting() {
        server.admin().post("/ipp/print", Map.of()).assertProblem(404, "not_found");
        var api = new io.certdesk.server.testing.Api(
                server.ippsPort(), server.server().platformCa().root(), null);
        api.get("/readyz").assertProblem(404, "not_found");
    }
}
