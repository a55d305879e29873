package io.certdesk.server.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.OpenSslClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A key made here and its CSR taken to another CA (OpenSSL, as a customer's own CA would sign):
 * the certificate uploaded back becomes a chain the TLS edge serves, and a wrong upload changes
 * nothing.
 */
class ChainRequestApiTest extends OnBothDatabases {
    private static String requests(String account) {
        return "/api/v1/accounts/" + account + "/private-chains/requests";
    }

    private static String accountWith(String domain) {
        String account = server.admin().createVendor("Requests " + System.nanoTime());
        server.admin().setDomains(account, domain);
        return account;
    }

    private static int chainCount(String account) {
        return server.admin()
                .get("/api/v1/accounts/" + account + "/private-chains")
                .json()
                .path("chains")
                .size();
    }

    /** A customer's own CA, made with OpenSSL in {@code dir}: ca.pem and ca.key. */
    private static void customerCa(Path dir) {
        var made = DebianTools.run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-subj",
                "/O=Customer/CN=Customer Root CA",
                "-days",
                "30",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
                "ca.pem");
        assertThat(made.exit()).as(made.output()).isZero();
    }

    /** OpenSSL's CA signs {@code csr} in {@code dir}, copying its names; the leaf's file. */
    private static Path signWithOpenssl(Path dir, String csr, String out) {
        var signed = DebianTools.run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "20",
                "-copy_extensions",
                "copy",
                "-out",
                out);
        assertThat(signed.exit()).as(signed.output()).isZero();
        return dir.resolve(out);
    }

    @Test
    void aRequestMadeHereAndSignedByOpensslBecomesAChainTheEdgeServesBySni() throws Exception {
        DebianTools.require("openssl");
        String domain = "terminal-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        int before = chainCount(account);
        JsonNode created = server.admin()
                .post(requests(account), Map.of("domains", List.of(domain.toUpperCase()), "keyType", "RSA_2048"))
                .assertStatus(201)
                .json();
        assertThat(created.toString()).doesNotContain("PRIVATE");
        assertThat(created.path("domains")).extracting(JsonNode::asText).containsExactly(domain);
        String id = created.path("id").asText();
        assertThat(server.admin().get(requests(account)).json().path("requests"))
                .extracting(r -> r.path("id").asText())
                .containsExactly(id);

        Path dir = Files.createTempDirectory("request");
        var csr = server.admin().get(requests(account) + "/" + id + "/csr.pem").assertStatus(200);
        assertThat(csr.header("Content-Type")).startsWith("application/pkcs10");
        Files.writeString(dir.resolve("request.csr"), csr.text());
        var checked = DebianTools.run(dir, "openssl", "req", "-in", "request.csr", "-noout", "-verify", "-text");
        assertThat(checked.output())
                .contains("verify OK")
                .contains("DNS:" + domain)
                .contains("Public-Key: (2048 bit)");

        customerCa(dir);
        Path leaf = signWithOpenssl(dir, "request.csr", "leaf.pem");
        byte[] upload = (Files.readString(leaf) + Files.readString(dir.resolve("ca.pem"))).getBytes();
        JsonNode done = server.admin()
                .sendRaw("POST", requests(account) + "/" + id + "/certificate", upload, "application/x-pem-file")
                .assertStatus(201)
                .json();
        JsonNode chain = done.path("chain");
        assertThat(chain.path("origin").asText()).isEqualTo("REQUESTED");
        assertThat(chain.path("dnsNames")).extracting(JsonNode::asText).containsExactly(domain);
        assertThat(chain.path("certificates")).hasSize(2);
        assertThat(done.path("warnings")).isEmpty();
        assertThat(chainCount(account)).isEqualTo(before + 1);
        // the request is done: gone from the list, and its certificate cannot be taken twice
        assertThat(server.admin().get(requests(account)).json().path("requests"))
                .isEmpty();
        server.admin()
                .sendRaw("POST", requests(account) + "/" + id + "/certificate", upload, "application/x-pem-file")
                .assertProblem(404, "not_found");

        server.admin().bindTls(account, domain, chain.path("id").asText()).assertStatus(200);
        io.certdesk.server.testing.Eventually.holds(
                "the edge serves the requested chain for " + domain,
                () -> OpenSslClient.connect(
                                dir, server.server().httpsPort(), Optional.of(domain), dir.resolve("ca.pem"))
                        .leafSha256()
                        .equals(chain.path("sha256").asText()));
        var served =
                OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of(domain), dir.resolve("ca.pem"));
        assertThat(served.verified()).as(served.output()).isTrue();
    }

    @Test
    void aCertificateForAnotherKeyIsRefusedWithItsCodeAndTheRequestStillWaits() throws Exception {
        DebianTools.require("openssl");
        String domain = "printer-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        int before = chainCount(account);
        String id = server.admin()
                .post(requests(account), Map.of("domains", List.of(domain)))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        Path dir = Files.createTempDirectory("request");
        customerCa(dir);
        var other = DebianTools.run(
                dir,
                "openssl",
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "other.key",
                "-subj",
                "/CN=" + domain,
                "-addext",
                "subjectAltName=DNS:" + domain,
                "-out",
                "other.csr");
        assertThat(other.exit()).as(other.output()).isZero();
        Path foreign = signWithOpenssl(dir, "other.csr", "other.pem");
        server.admin()
                .upload(requests(account) + "/" + id + "/certificate", "other.pem", Files.readAllBytes(foreign))
                .assertProblem(422, "key_mismatch");
        server.admin()
                .sendRaw(
                        "POST",
                        requests(account) + "/" + id + "/certificate",
                        "not a certificate".getBytes(),
                        "text/plain")
                .assertProblem(422, "invalid_file");
        assertThat(chainCount(account)).isEqualTo(before);
        assertThat(server.admin().get(requests(account)).json().path("requests"))
                .extracting(r -> r.path("id").asText())
                .containsExactly(id);
    }

    @Test
    void aRequestForANameThatIsNotTheAccountsIsRefusedAndNothingIsKept() {
        String mine = "own-" + System.nanoTime() + ".acme.test";
        String account = accountWith(mine);
        String theirs = "theirs-" + System.nanoTime() + ".acme.test";
        accountWith(theirs);
        for (List<String> names : List.of(List.of(theirs), List.of(mine, theirs), List.of("*.acme.test"))) {
            server.admin().post(requests(account), Map.of("domains", names)).assertProblem(422, "domain_not_allowed");
        }
        server.admin()
                .post(requests(account), Map.of("domains", List.of(mine), "keyType", "ED25519"))
                .assertProblem(422, "unsupported_key");
        server.admin().post(requests(account), Map.of("domains", List.of())).assertProblem(422, "validation_failed");
        assertThat(server.admin().get(requests(account)).json().path("requests"))
                .isEmpty();
    }

    @Test
    void aDeletedRequestIsGoneWithItsKeyAndCannotBeCompleted() throws Exception {
        DebianTools.require("openssl");
        String domain = "kiosk-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        String id = server.admin()
                .post(requests(account), Map.of("domains", List.of(domain)))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        Path dir = Files.createTempDirectory("request");
        Files.writeString(
                dir.resolve("request.csr"),
                server.admin().get(requests(account) + "/" + id + "/csr.pem").text());
        customerCa(dir);
        Path leaf = signWithOpenssl(dir, "request.csr", "leaf.pem");
        server.admin().delete(requests(account) + "/" + id).assertStatus(204);
        server.admin().get(requests(account) + "/" + id).assertProblem(404, "not_found");
        server.admin().delete(requests(account) + "/" + id).assertProblem(404, "not_found");
        server.admin()
                .upload(requests(account) + "/" + id + "/certificate", "leaf.pem", Files.readAllBytes(leaf))
                .assertProblem(404, "not_found");
    }

    @Test
    void aPkcs7AnswerFromTheCaIsTakenBackFromAFormUpload() throws Exception {
        DebianTools.require("openssl");
        String domain = "mfp-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        String id = server.admin()
                .post(requests(account), Map.of("domains", List.of(domain), "keyType", "EC_P384"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        Path dir = Files.createTempDirectory("request");
        Files.writeString(
                dir.resolve("request.csr"),
                server.admin().get(requests(account) + "/" + id + "/csr.pem").text());
        customerCa(dir);
        signWithOpenssl(dir, "request.csr", "leaf.pem");
        var p7 = DebianTools.run(
                dir,
                "openssl",
                "crl2pkcs7",
                "-nocrl",
                "-certfile",
                "leaf.pem",
                "-certfile",
                "ca.pem",
                "-outform",
                "DER",
                "-out",
                "chain.p7b");
        assertThat(p7.exit()).as(p7.output()).isZero();
        JsonNode chain = server.admin()
                .upload(
                        requests(account) + "/" + id + "/certificate",
                        "chain.p7b",
                        Files.readAllBytes(dir.resolve("chain.p7b")))
                .assertStatus(201)
                .json()
                .path("chain");
        assertThat(chain.path("keyAlgorithm").asText()).isEqualTo("EC");
        assertThat(chain.path("keySize").asInt()).isEqualTo(384);
        assertThat(chain.path("certificates")).hasSize(2);
    }
}
