package io.certdesk.server.chains;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivateChainApiTest extends OnBothDatabases {
    private static final char[] PASSWORD = "pfx-export-password".toCharArray();
    private static final Instant NOW = Instant.now();

    private static String chains(String account) {
        return "/api/v1/accounts/" + account + "/private-chains";
    }

    private static String settings(String account) {
        return "/api/v1/accounts/" + account + "/pki-settings";
    }

    private String accountWithDomains(String... domains) {
        String account = server.admin().createVendor("Chains " + System.nanoTime());
        server.admin().setDomains(account, domains);
        return account;
    }

    private static int count(Api api, String account) {
        return api.get(chains(account)).assertStatus(200).json().path("chains").size();
    }

    @Test
    void aNewAccountHasATokenSigningChainChosenForSigning() {
        String account = server.admin().createVendor("Signing by default");
        JsonNode list = server.admin().get(chains(account)).json().path("chains");
        assertThat(list).hasSize(1);
        JsonNode chain = list.get(0);
        assertThat(chain.path("origin").asText()).isEqualTo("GENERATED");
        assertThat(chain.path("purposes")).extracting(JsonNode::asText).containsExactly("TOKEN_SIGNING");
        assertThat(chain.path("keyAlgorithm").asText()).isEqualTo("EC");
        assertThat(chain.path("subject").asText()).contains("Signing by default token signing");
        assertThat(chain.path("certificates")).hasSize(3);
        assertThat(server.admin()
                        .get(settings(account))
                        .json()
                        .path("signingChainId")
                        .asText())
                .isEqualTo(chain.path("id").asText());
    }

    @Test
    void aGeneratedTlsChainVerifiesWithOpensslAgainstThePlatformCa() throws Exception {
        DebianTools.require("openssl");
        String account = accountWithDomains("print-" + System.nanoTime() + ".acme.test");
        String domain = server.admin()
                .get("/api/v1/accounts/" + account)
                .json()
                .path("domains")
                .get(0)
                .asText();
        var created = server.admin()
                .post(chains(account) + "/generate", Map.of("purpose", "TLS_SERVER", "domain", domain.toUpperCase()))
                .assertStatus(201)
                .json();
        assertThat(created.path("dnsNames")).extracting(JsonNode::asText).containsExactly(domain);
        assertThat(created.path("purposes")).extracting(JsonNode::asText).containsExactly("TLS_SERVER");
        assertThat(Duration.between(
                                Instant.parse(created.path("notBefore").asText()),
                                Instant.parse(created.path("notAfter").asText()))
                        .toDays())
                .isBetween(396L, 397L);
        assertThat(created.toString()).doesNotContain("PRIVATE");

        Path dir = Files.createTempDirectory("openssl");
        Files.write(
                dir.resolve("ca.pem"),
                server.anonymous().get("/api/v1/platform/ca.pem").raw().body());
        String pem = server.admin()
                .get(chains(account) + "/" + created.path("id").asText() + "/chain.pem")
                .assertStatus(200)
                .text();
        String[] blocks = pem.split("(?<=-----END CERTIFICATE-----\n)");
        assertThat(blocks).hasSize(3);
        Files.writeString(dir.resolve("leaf.pem"), blocks[0]);
        Files.writeString(dir.resolve("issuing.pem"), blocks[1]);
        var verify = DebianTools.run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "ca.pem",
                "-untrusted",
                "issuing.pem",
                "-verify_hostname",
                domain,
                "-purpose",
                "sslserver",
                "leaf.pem");
        assertThat(verify.output()).contains("leaf.pem: OK");
        assertThat(verify.exit()).isZero();
        var text = DebianTools.run(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-text");
        assertThat(text.output())
                .contains("DNS:" + domain)
                .contains("TLS Web Server Authentication")
                .contains("Issuer: O = Certdesk Platform, CN = Certdesk Platform Issuing CA");
        var wrongName = DebianTools.run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "ca.pem",
                "-untrusted",
                "issuing.pem",
                "-verify_hostname",
                "other.acme.test",
                "leaf.pem");
        assertThat(wrongName.exit()).isNotZero();
    }

    @Test
    void generationForANameOutsideTheAccountOrWithBadOptionsIsRefusedAndStoresNothing() {
        String account = accountWithDomains("gen-" + System.nanoTime() + ".acme.test");
        Api admin = server.admin();
        int before = count(admin, account);
        admin.post(chains(account) + "/generate", Map.of("purpose", "TLS_SERVER", "domain", "elsewhere.test"))
                .assertProblem(422, "domain_not_allowed");
        admin.post(chains(account) + "/generate", Map.of("purpose", "TLS_SERVER"))
                .assertProblem(422, "validation_failed");
        admin.post(chains(account) + "/generate", Map.of("purpose", "EMAIL")).assertProblem(422, "validation_failed");
        admin.post(chains(account) + "/generate", Map.of("purpose", "TOKEN_SIGNING", "keyType", "DSA_1024"))
                .assertProblem(422, "validation_failed");
        admin.post(chains(account) + "/generate", Map.of("purpose", "TOKEN_SIGNING", "validityDays", 0))
                .assertProblem(422, "validation_failed");
        String domain = admin.get("/api/v1/accounts/" + account)
                .json()
                .path("domains")
                .get(0)
                .asText();
        admin.post(
                        chains(account) + "/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", domain, "validityDays", 398))
                .assertProblem(422, "validation_failed");
        assertThat(count(admin, account)).isEqualTo(before);
        var rsa = admin.post(
                        chains(account) + "/generate",
                        Map.of("purpose", "TOKEN_SIGNING", "keyType", "RSA_2048", "validityDays", 30))
                .assertStatus(201)
                .json();
        assertThat(rsa.path("keyAlgorithm").asText()).isEqualTo("RSA");
        assertThat(rsa.path("keySize").asInt()).isEqualTo(2048);
    }

    @Test
    void aPkcs12FileImportsAsAChainWithItsIgnoredCertificates() {
        String domain = "pfx-" + System.nanoTime() + ".acme.test";
        String account = accountWithDomains(domain);
        var root = TestCa.certificate("O=Acme,CN=PFX Root")
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)))
                .build();
        var leaf = TestCa.certificate("CN=" + domain)
                .issuedBy(root)
                .endEntity()
                .dns(domain)
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)))
                .build();
        var stray = TestCa.certificate("CN=stray.test")
                .issuedBy(root)
                .endEntity()
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)))
                .build();
        byte[] pfx = new Pkcs12Files.Custom(
                        leaf.key(), List.of(root.certificate(), stray.certificate(), leaf.certificate()))
                .keyBelongsTo(leaf.certificate())
                .build(PASSWORD);
        var imported = server.admin()
                .upload(
                        chains(account) + "/import",
                        "file",
                        "server.pfx",
                        pfx,
                        Map.of("password", new String(PASSWORD)))
                .assertStatus(201)
                .json();
        assertThat(imported.path("imported")).hasSize(1);
        JsonNode chain = imported.path("imported").get(0);
        assertThat(chain.path("origin").asText()).isEqualTo("IMPORTED");
        assertThat(chain.path("purposes")).extracting(JsonNode::asText).containsExactly("TLS_SERVER", "TOKEN_SIGNING");
        assertThat(chain.path("certificates"))
                .extracting(c -> c.path("subject").asText())
                .containsExactly("CN=" + domain, "CN=PFX Root,O=Acme");
        assertThat(imported.path("ignored")).hasSize(1);
        assertThat(imported.path("ignored").get(0).path("reason").asText()).isEqualTo("no_private_key");
        assertThat(imported.toString()).doesNotContain(new String(PASSWORD)).doesNotContain("PRIVATE");
        assertThat(count(server.admin(), account)).isEqualTo(2);
    }

    @Test
    void everyImportRefusalHasItsCodeAndStoresNothing() {
        String domain = "refuse-" + System.nanoTime() + ".acme.test";
        String account = accountWithDomains(domain);
        var leaf = TestCa.certificate("CN=" + domain)
                .endEntity()
                .dns(domain)
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
                .build();
        var foreign = TestCa.certificate("CN=foreign.test")
                .endEntity()
                .dns("foreign.test")
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
                .build();
        byte[] good = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), PASSWORD, PASSWORD);
        Api admin = server.admin();
        String path = chains(account) + "/import";
        int before = count(admin, account);

        admin.upload(path, "file", "a.pfx", good, Map.of()).assertProblem(422, "password_required");
        admin.upload(path, "file", "a.pfx", good, Map.of("password", "")).assertProblem(422, "password_required");
        admin.upload(path, "file", "a.pfx", good, Map.of("password", "wrong")).assertProblem(422, "wrong_password");
        admin.upload(
                        path,
                        "file",
                        "a.pfx",
                        Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), PASSWORD, "other".toCharArray()),
                        Map.of("password", new String(PASSWORD)))
                .assertProblem(422, "password_mismatch");
        admin.upload(
                        path,
                        "file",
                        "a.pfx",
                        Pkcs12Files.certificatesOnly(List.of(leaf.certificate()), PASSWORD),
                        Map.of("password", new String(PASSWORD)))
                .assertProblem(422, "no_private_key");
        var refused = admin.upload(
                        path,
                        "file",
                        "a.pfx",
                        Pkcs12Files.jdk(foreign.key(), List.of(foreign.certificate()), PASSWORD, PASSWORD),
                        Map.of("password", new String(PASSWORD)))
                .assertProblem(422, "domain_not_allowed");
        assertThat(refused.json().path("detail").asText())
                .contains("foreign.test")
                .contains(domain);
        admin.upload(path, "file", "a.pfx", "not a pfx".getBytes(StandardCharsets.US_ASCII), Map.of("password", "x"))
                .assertProblem(422, "invalid_file");
        admin.upload(path, "file", "a.pfx", new byte[1024 * 1024 + 1], Map.of("password", "x"))
                .assertProblem(413, "too_large");
        assertThat(count(admin, account)).isEqualTo(before);
        admin.upload(path, "file", "a.pfx", good, Map.of("password", new String(PASSWORD)))
                .assertStatus(201);
        assertThat(count(admin, account)).isEqualTo(before + 1);
    }

    @Test
    void pkiSettingsChooseTheSigningChainAndTlsBindingsAndProtectChainsInUse() {
        String domain = "bind-" + System.nanoTime() + ".acme.test";
        String account = accountWithDomains(domain);
        Api admin = server.admin();
        String defaultSigning =
                admin.get(settings(account)).json().path("signingChainId").asText();
        String tls = admin.post(chains(account) + "/generate", Map.of("purpose", "TLS_SERVER", "domain", domain))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();

        admin.delete(chains(account) + "/" + defaultSigning).assertProblem(409, "chain_in_use");
        var saved = admin.put(
                        settings(account),
                        Map.of("signingChainId", tls, "tlsBindings", Map.of(domain.toUpperCase(), tls)))
                .assertStatus(200)
                .json();
        assertThat(saved.path("signingChainId").asText()).isEqualTo(tls);
        assertThat(saved.path("tlsBindings").path(domain).asText()).isEqualTo(tls);

        // Changing the account's other domains keeps the binding; removing the bound domain drops it.
        admin.setDomains(account, domain, "extra-" + domain);
        assertThat(admin.get(settings(account))
                        .json()
                        .path("tlsBindings")
                        .path(domain)
                        .asText())
                .isEqualTo(tls);

        admin.put(settings(account), Map.of("signingChainId", tls, "tlsBindings", Map.of(domain, defaultSigning)))
                .assertProblem(422, "validation_failed");
        admin.put(settings(account), Map.of("signingChainId", "nope", "tlsBindings", Map.of()))
                .assertProblem(422, "validation_failed");
        admin.put(settings(account), Map.of("signingChainId", tls, "tlsBindings", Map.of("elsewhere.test", tls)))
                .assertProblem(422, "domain_not_allowed");
        assertThat(admin.get(settings(account))
                        .json()
                        .path("tlsBindings")
                        .path(domain)
                        .asText())
                .isEqualTo(tls);

        admin.delete(chains(account) + "/" + tls).assertProblem(409, "chain_in_use");
        // The replaced signing chain stays in use until the tokens it signed have expired (TokenRotationTest moves the
        // clock).
        admin.delete(chains(account) + "/" + defaultSigning).assertProblem(409, "chain_in_use");
        admin.setDomains(account, "extra-" + domain);
        assertThat(admin.get(settings(account)).json().path("tlsBindings").size())
                .as("a removed domain takes its binding along")
                .isZero();
        admin.delete(chains(account) + "/" + tls).assertProblem(409, "chain_in_use"); // still the signing chain
        Map<String, Object> off = new HashMap<>();
        off.put("signingChainId", null);
        off.put("tlsBindings", Map.of());
        var cleared = admin.put(settings(account), off).assertStatus(200).json();
        assertThat(cleared.path("signingChainId").isNull()).isTrue();
        admin.delete(chains(account) + "/" + tls).assertProblem(409, "chain_in_use");
        String unused = admin.post(chains(account) + "/generate", Map.of("purpose", "TOKEN_SIGNING"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        admin.delete(chains(account) + "/" + unused).assertStatus(204);
        admin.get(chains(account) + "/" + unused).assertProblem(404, "not_found");
        assertThat(count(admin, account)).isEqualTo(2);
    }
}
