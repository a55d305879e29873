package io.certdesk.server.chains;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.OpenSslClient;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revoking what the platform CA issued, as an account admin and the platform admin would: the
 * TLS edge stops serving it, signing keys leave the JWKS, the CA keeps the record (also after a
 * deletion), and every refusal leaves everything as it was.
 */
class RevocationApiTest extends OnBothDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final char[] PASSWORD = "revocation-pfx".toCharArray();
    private static Path dir;

    @BeforeAll
    static void folder() throws Exception {
        dir = Files.createTempDirectory("certdesk-revocation");
    }

    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    private static String unique(String label) {
        return label + "-" + NEXT.incrementAndGet() + "-" + System.nanoTime() % 100_000 + ".revoke.test";
    }

    private static JsonNode generate(String account, String domain) {
        return server.admin()
                .post(base(account) + "/private-chains/generate", Map.of("purpose", "TLS_SERVER", "domain", domain))
                .assertStatus(201)
                .json();
    }

    private static JsonNode chain(String account, String chainId) {
        return server.admin()
                .get(base(account) + "/private-chains/" + chainId)
                .assertStatus(200)
                .json();
    }

    private static String served(String name) {
        return OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of(name), server.platformCaFile(dir))
                .leafSha256();
    }

    private static String serialOf(String account, String chainId) throws Exception {
        byte[] pem = server.admin()
                .get(base(account) + "/private-chains/" + chainId + "/chain.pem")
                .assertStatus(200)
                .raw()
                .body();
        var leaf = (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(pem));
        return leaf.getSerialNumber().toString(16);
    }

    private static List<String> revokedSerials() {
        List<String> serials = new java.util.ArrayList<>();
        server.admin()
                .get("/api/v1/platform/revocations?limit=500")
                .assertStatus(200)
                .json()
                .path("revoked")
                .forEach(c -> serials.add(c.path("serial").asText() + " "
                        + c.path("revocation").path("reason").asText()));
        return serials;
    }

    @Test
    void aRevokedChainIsNoLongerServedAndSaysWhenAndWhy() throws Exception {
        String name = unique("pos");
        String account = server.admin().createVendor("Revoke " + NEXT.incrementAndGet());
        server.admin().setDomains(account, name);
        JsonNode older = generate(account, name);
        JsonNode newer = generate(account, name);
        assertThat(served(name)).isEqualTo(newer.path("sha256").asText());

        var revoked = server.admin()
                .post(
                        base(account) + "/private-chains/" + newer.path("id").asText() + "/revoke",
                        Map.of("reason", "keyCompromise"))
                .assertStatus(200)
                .json();
        assertThat(revoked.path("revocation").path("reason").asText()).isEqualTo("keyCompromise");
        Instant at = Instant.parse(revoked.path("revocation").path("revokedAt").asText());
        assertThat(at).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(served(name))
                .as("the next valid chain takes its place")
                .isEqualTo(older.path("sha256").asText());
        assertThat(chain(account, newer.path("id").asText()).path("servedFor")).isEmpty();
        assertThat(revokedSerials()).contains(serialOf(account, newer.path("id").asText()) + " keyCompromise");
        assertThat(server.admin().get(base(account) + "/audit").text()).contains("CHAIN_REVOKED");

        // twice: refused, and the first revocation stands
        server.admin()
                .post(
                        base(account) + "/private-chains/" + newer.path("id").asText() + "/revoke",
                        Map.of("reason", "superseded"))
                .assertProblem(409, "already_revoked");
        assertThat(chain(account, newer.path("id").asText())
                        .path("revocation")
                        .path("revokedAt")
                        .asText())
                .isEqualTo(revoked.path("revocation").path("revokedAt").asText());

        // and it can no longer be bound
        server.admin().bindTls(account, name, newer.path("id").asText()).assertProblem(422, "validation_failed");
        assertThat(server.admin()
                        .get(base(account) + "/pki-settings")
                        .json()
                        .path("tlsBindings")
                        .size())
                .isZero();
    }

    @Test
    void ofRevocationsRacingForOneChainExactlyOneIsAnsweredAndItsDateStands() throws Exception {
        String name = unique("race");
        String account = server.admin().createVendor("Revoke race " + NEXT.incrementAndGet());
        server.admin().setDomains(account, name);
        String chainId = generate(account, name).path("id").asText();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Api.Response>> answers = new java.util.ArrayList<>();
            for (String reason : List.of("keyCompromise", "superseded", "unspecified", "affiliationChanged")) {
                answers.add(pool.submit(() -> server.admin()
                        .post(base(account) + "/private-chains/" + chainId + "/revoke", Map.of("reason", reason))));
            }
            List<Api.Response> ok = new java.util.ArrayList<>();
            for (var answer : answers) {
                Api.Response r = answer.get();
                if (r.status() == 200) {
                    ok.add(r);
                } else {
                    r.assertProblem(409, "already_revoked");
                }
            }
            assertThat(ok).hasSize(1);
            JsonNode stored = chain(account, chainId).path("revocation");
            assertThat(stored.path("revokedAt").asText())
                    .isEqualTo(ok.get(0)
                            .json()
                            .path("revocation")
                            .path("revokedAt")
                            .asText());
            assertThat(stored.path("reason").asText())
                    .isEqualTo(
                            ok.get(0).json().path("revocation").path("reason").asText());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void revokingABoundChainRemovesTheBindingAndThePlatformsCertificateIsServed() throws Exception {
        String name = unique("bound");
        String account = server.admin().createVendor("Revoke bound " + NEXT.incrementAndGet());
        server.admin().setDomains(account, name);
        JsonNode only = generate(account, name);
        server.admin().bindTls(account, name, only.path("id").asText()).assertStatus(200);
        server.admin()
                .post(
                        base(account) + "/private-chains/" + only.path("id").asText() + "/revoke",
                        Map.of("reason", "cessation_of_operation"))
                .assertStatus(200);
        assertThat(server.admin()
                        .get(base(account) + "/pki-settings")
                        .json()
                        .path("tlsBindings")
                        .size())
                .isZero();
        var seen =
                OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of(name), server.platformCaFile(dir));
        assertThat(seen.leafSha256()).isNotEqualTo(only.path("sha256").asText());
        assertThat(seen.chain().get(0).getSubjectX500Principal().getName()).doesNotContain(name);
    }

    @Test
    void aReplacedSigningKeyRevokedLeavesTheJwksAtOnceAndThenMayBeDeleted() {
        String account = server.admin().createVendor("Revoke signing " + NEXT.incrementAndGet());
        String first = server.admin()
                .get(base(account) + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        String second = server.admin()
                .post(base(account) + "/private-chains/generate", Map.of("purpose", "TOKEN_SIGNING"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        server.admin()
                .put(base(account) + "/pki-settings", Map.of("signingChainId", second))
                .assertStatus(200);
        assertThat(server.anonymous()
                        .get(base(account) + "/.well-known/jwks.json")
                        .json()
                        .path("keys"))
                .hasSize(2);
        server.admin().delete(base(account) + "/private-chains/" + first).assertProblem(409, "chain_in_use");

        server.admin()
                .post(base(account) + "/private-chains/" + first + "/revoke", Map.of("reason", "superseded"))
                .assertStatus(200);
        assertThat(server.anonymous()
                        .get(base(account) + "/.well-known/jwks.json")
                        .json()
                        .path("keys"))
                .hasSize(1);
        server.admin().delete(base(account) + "/private-chains/" + first).assertStatus(204);
    }

    @Test
    void refusalsSayWhyAndChangeNothing() throws Exception {
        String name = unique("own");
        String account = server.admin().createVendor("Revoke refusals " + NEXT.incrementAndGet());
        server.admin().setDomains(account, name);
        Instant now = Instant.now();
        var root = TestCa.certificate("O=Own,CN=Own Root " + NEXT.incrementAndGet())
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)))
                .build();
        var leaf = TestCa.certificate("CN=" + name)
                .issuedBy(root)
                .endEntity()
                .dns(name)
                .keyType(KeyType.EC_P256)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        String imported = server.admin()
                .upload(
                        base(account) + "/private-chains/import",
                        "file",
                        "own.pfx",
                        Pkcs12Files.jdk(
                                leaf.key(), List.of(leaf.certificate(), root.certificate()), PASSWORD, PASSWORD),
                        Map.of("password", new String(PASSWORD)))
                .assertStatus(201)
                .json()
                .path("imported")
                .get(0)
                .path("id")
                .asText();
        String signing = server.admin()
                .get(base(account) + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        String jwks =
                server.anonymous().get(base(account) + "/.well-known/jwks.json").text();
        List<String> before = revokedSerials();

        server.admin()
                .post(base(account) + "/private-chains/" + imported + "/revoke", Map.of("reason", "keyCompromise"))
                .assertProblem(409, "not_issued_by_platform");
        assertThat(served(name))
                .isEqualTo(chain(account, imported).path("sha256").asText());
        server.admin()
                .post(base(account) + "/private-chains/" + signing + "/revoke", Map.of("reason", "keyCompromise"))
                .assertProblem(409, "chain_in_use");
        var badReason = server.admin()
                .post(base(account) + "/private-chains/" + signing + "/revoke", Map.of("reason", "privilegeWithdrawn"))
                .assertProblem(422, "validation_failed");
        assertThat(badReason.json().path("field").asText()).isEqualTo("reason");
        server.admin()
                .post(base(account) + "/private-chains/no-such-chain/revoke", Map.of("reason", "keyCompromise"))
                .assertProblem(404, "not_found");
        String other = server.admin().createVendor("Revoke other " + NEXT.incrementAndGet());
        server.admin()
                .post(base(other) + "/private-chains/" + signing + "/revoke", Map.of("reason", "keyCompromise"))
                .assertProblem(404, "not_found");

        assertThat(chain(account, imported).path("revocation").isNull()).isTrue();
        assertThat(chain(account, signing).path("revocation").isNull()).isTrue();
        assertThat(server.anonymous()
                        .get(base(account) + "/.well-known/jwks.json")
                        .text())
                .isEqualTo(jwks);
        assertThat(revokedSerials()).isEqualTo(before);
    }

    @Test
    void theCaAnswersForADeletedChainAndThePlatformAdminRevokesBySerial() throws Exception {
        String name = unique("gone");
        String account = server.admin().createVendor("Revoke serial " + NEXT.incrementAndGet());
        server.admin().setDomains(account, name);
        String deleted = generate(account, name).path("id").asText();
        String deletedSerial = serialOf(account, deleted);
        server.admin().delete(base(account) + "/private-chains/" + deleted).assertStatus(204);
        assertThat(revokedSerials()).contains(deletedSerial + " cessationOfOperation");

        JsonNode kept = generate(account, name);
        String serial = serialOf(account, kept.path("id").asText());
        String username = "account-admin-" + NEXT.incrementAndGet();
        server.admin().createUser(account, username, "a-long-password-2");
        Api accountAdmin = server.anonymous().login(username, "a-long-password-2");
        accountAdmin
                .post("/api/v1/platform/revocations", Map.of("serial", serial, "reason", "keyCompromise"))
                .assertProblem(403, "forbidden");
        accountAdmin.get("/api/v1/platform/revocations").assertProblem(403, "forbidden");
        assertThat(chain(account, kept.path("id").asText()).path("revocation").isNull())
                .isTrue();

        String colons = new BigInteger(serial, 16)
                .toString(16)
                .replaceAll("(..)(?!$)", "$1:")
                .toUpperCase();
        var revoked = server.admin()
                .post("/api/v1/platform/revocations", Map.of("serial", colons, "reason", "affiliationChanged"))
                .assertStatus(201)
                .json();
        assertThat(revoked.path("serial").asText()).isEqualTo(serial);
        assertThat(revoked.path("chainId").asText()).isEqualTo(kept.path("id").asText());
        assertThat(revoked.path("revocation").path("reason").asText()).isEqualTo("affiliationChanged");
        assertThat(chain(account, kept.path("id").asText())
                        .path("revocation")
                        .path("reason")
                        .asText())
                .isEqualTo("affiliationChanged");
        server.admin()
                .post("/api/v1/platform/revocations", Map.of("serial", "0badc0ffee", "reason", "keyCompromise"))
                .assertProblem(404, "not_found");
        server.admin()
                .post("/api/v1/platform/revocations", Map.of("serial", "not hex", "reason", "keyCompromise"))
                .assertProblem(422, "validation_failed");
    }
}
