package io.certdesk.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/**
 * EST (RFC 7030) on the EST port, with Bouncy Castle's EST client and with curl and openssl (the
 * way EST interop is usually checked): cacerts, csrattrs, simpleenroll with HTTP Basic,
 * simplereenroll with the certificate over TLS; refusals store nothing.
 */
class EstTest extends OnBothDatabases {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String account(String domain, String foreignNames) {
        String account = server.admin().createVendor("EST " + domain + " " + System.nanoTime());
        server.admin().setDomains(account, domain);
        server.admin()
                .put(
                        "/api/v1/accounts/" + account + "/scep/settings",
                        Map.of("enabled", true, "foreignNames", foreignNames))
                .assertStatus(200);
        return account;
    }

    private static String password(String account) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/scep/passwords", Map.of("kind", "ONE_TIME"))
                .assertStatus(201)
                .json()
                .get("password")
                .asText();
    }

    private static int port() {
        return server.server().estPort().orElseThrow();
    }

    private static ESTService est(String account, Optional<KeyStore> client) throws Exception {
        JsseESTServiceBuilder builder = new JsseESTServiceBuilder("localhost:" + port(), trustingPlatformRoot());
        builder.withLabel(account);
        if (client.isPresent()) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(client.get(), "device".toCharArray());
            builder.withKeyManagers(kmf.getKeyManagers());
        }
        return builder.build();
    }

    /** The JDK's PKIX trust manager on the platform root (Bouncy Castle's needs its provider installed). */
    private static javax.net.ssl.X509TrustManager trustingPlatformRoot() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("root", server.server().platformCa().root());
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(anchors);
        return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
    }

    private static KeyStore keyStore(KeyPair keys, X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", keys.getPrivate(), "device".toCharArray(), new Certificate[] {certificate});
        return store;
    }

    private static PKCS10CertificationRequest csr(KeyPair keys, String name) throws Exception {
        return new PKCS10CertificationRequest(Pkcs10.build(keys, KeyType.EC_P256, List.of(name)));
    }

    private static X509Certificate issued(EnrollmentResponse response) throws Exception {
        X509CertificateHolder[] holders = ESTService.storeToArray(response.getStore());
        assertThat(holders).hasSize(1);
        return CertificateCodec.decodeDer(holders[0].getEncoded());
    }

    private static List<JsonNode> certificates(String account) {
        List<JsonNode> out = new ArrayList<>();
        server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .json()
                .get("certificates")
                .forEach(out::add);
        return out;
    }

    private static HttpResponse<String> post(String account, String op, byte[] csr, Optional<String> password)
            throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(
                        List.of(server.server().platformCa().root())))
                .build();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port() + "/.well-known/est/" + account + "/" + op))
                .header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofString(Base64.getEncoder().encodeToString(csr)));
        password.ifPresent(p -> request.header(
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString(("device:" + p).getBytes(StandardCharsets.UTF_8))));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bouncyCastlesEstClientEnrollsWithAPasswordAndReenrollsWithItsCertificateOverTls() throws Exception {
        String account = account("est.scep.test", "REFUSE");
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, RANDOM);

        var cas = est(account, Optional.empty()).getCACerts();
        var attributes = est(account, Optional.empty()).getCSRAttributes();
        EnrollmentResponse first = est(account, Optional.empty())
                .simpleEnroll(
                        false,
                        csr(keys, "est.scep.test"),
                        new JcaHttpAuthBuilder(
                                        "certdesk EST",
                                        "device",
                                        password(account).toCharArray())
                                .build());

        assertThat(ESTService.storeToArray(cas.getCertificateStore()))
                .extracting(h -> CertificateCodec.decodeDer(h.getEncoded()))
                .contains(server.server().platformCa().root());
        assertThat(attributes.getAttributesResponse().hasRequirement(X9ObjectIdentifiers.ecdsa_with_SHA256))
                .isTrue();
        X509Certificate certificate = issued(first);
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());

        KeyPair next = KeyPairs.generate(KeyType.EC_P256, RANDOM);
        EnrollmentResponse renewed = est(account, Optional.of(keyStore(keys, certificate)))
                .simpleEnroll(true, csr(next, "est.scep.test"), null);

        X509Certificate second = issued(renewed);
        assertThat(second.getPublicKey()).isEqualTo(next.getPublic());
        assertThat(second.getSubjectAlternativeNames().iterator().next().get(1)).isEqualTo("est.scep.test");
        assertThat(certificates(account))
                .extracting(c -> c.get("issuedFor").asText())
                .containsOnly("EST");
        assertThat(certificates(account)).hasSize(2);
    }

    @Test
    void curlAndOpensslGetTheCasEnrollAndReenrollAsRfc7030InteropIsChecked() throws Exception {
        DebianTools.require("curl");
        DebianTools.require("openssl");
        String account = account("curl-est.scep.test", "REFUSE");
        String password = password(account);
        Path dir = Files.createTempDirectory("est-curl");
        Path root = server.platformCaFile(dir);
        String base = "https://localhost:" + port() + "/.well-known/est/" + account + "/";
        String name = "curl-est.scep.test";
        var made = DebianTools.run(
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
                "device.key",
                "-subj",
                "/CN=" + name,
                "-addext",
                "subjectAltName=DNS:" + name,
                "-outform",
                "DER",
                "-out",
                "device.csr");
        assertThat(made.exit()).as(made.output()).isZero();
        Files.writeString(
                dir.resolve("device.b64"),
                Base64.getMimeEncoder().encodeToString(Files.readAllBytes(dir.resolve("device.csr"))));

        var cacerts =
                DebianTools.run(dir, "curl", "-sS", "--cacert", root.toString(), "-o", "cacerts.b64", base + "cacerts");
        var enrolled = DebianTools.run(
                dir,
                "curl",
                "-sS",
                "--cacert",
                root.toString(),
                "-u",
                "device:" + password,
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@device.b64",
                "-o",
                "issued.b64",
                "-w",
                "%{http_code}",
                base + "simpleenroll");
        assertThat(cacerts.exit()).as(cacerts.output()).isZero();
        assertThat(enrolled.output()).isEqualTo("200");
        Files.write(
                dir.resolve("issued.p7"),
                Base64.getMimeDecoder().decode(Files.readAllBytes(dir.resolve("issued.b64"))));
        var pem = DebianTools.run(
                dir, "openssl", "pkcs7", "-inform", "DER", "-in", "issued.p7", "-print_certs", "-out", "device.crt");
        assertThat(pem.exit()).as(pem.output()).isZero();
        Files.write(
                dir.resolve("cacerts.p7"),
                Base64.getMimeDecoder().decode(Files.readAllBytes(dir.resolve("cacerts.b64"))));
        DebianTools.run(
                dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cacerts.p7", "-print_certs", "-out", "cas.pem");
        var verified = DebianTools.run(
                dir, "openssl", "verify", "-CAfile", root.toString(), "-untrusted", "cas.pem", "device.crt");
        assertThat(verified.output()).contains("device.crt: OK");

        DebianTools.run(
                dir,
                "openssl",
                "req",
                "-new",
                "-key",
                "device.key",
                "-subj",
                "/CN=" + name,
                "-addext",
                "subjectAltName=DNS:" + name,
                "-outform",
                "DER",
                "-out",
                "renew.csr");
        Files.writeString(
                dir.resolve("renew.b64"),
                Base64.getMimeEncoder().encodeToString(Files.readAllBytes(dir.resolve("renew.csr"))));
        var reenrolled = DebianTools.run(
                dir,
                "curl",
                "-sS",
                "--cacert",
                root.toString(),
                "--cert",
                "device.crt",
                "--key",
                "device.key",
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@renew.b64",
                "-o",
                "renewed.b64",
                "-w",
                "%{http_code}",
                base + "simplereenroll");
        assertThat(reenrolled.output()).isEqualTo("200");
        X509Certificate first = CertificateFiles.readCertificates(Files.readAllBytes(dir.resolve("device.crt")))
                .get(0);
        X509Certificate renewed = CertificateFiles.readCertificates(
                        Base64.getMimeDecoder().decode(Files.readAllBytes(dir.resolve("renewed.b64"))))
                .get(0);
        assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renewed.getPublicKey()).isEqualTo(first.getPublicKey());
        assertThat(certificates(account)).hasSize(2);
    }

    @Test
    void refusalsAreProblemsWithTheirCodesAndStoreNothing() throws Exception {
        String account = account("refusing-est.scep.test", "REFUSE");
        String password = password(account);
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, RANDOM);
        String passwords = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/passwords")
                .text();

        var foreign = post(
                account,
                "simpleenroll",
                Pkcs10.build(keys, KeyType.EC_P256, List.of("elsewhere.example.test")),
                Optional.of(password));
        var wrong = post(
                account,
                "simpleenroll",
                Pkcs10.build(keys, KeyType.EC_P256, List.of("refusing-est.scep.test")),
                Optional.of("WRONG"));
        var none = post(
                account,
                "simpleenroll",
                Pkcs10.build(keys, KeyType.EC_P256, List.of("refusing-est.scep.test")),
                Optional.empty());
        var reenroll = post(
                account,
                "simplereenroll",
                Pkcs10.build(keys, KeyType.EC_P256, List.of("refusing-est.scep.test")),
                Optional.of(password));
        var garbage = post(
                account, "simpleenroll", "not a request".getBytes(StandardCharsets.US_ASCII), Optional.of(password));

        assertThat(foreign.statusCode()).isEqualTo(422);
        assertThat(foreign.body()).contains("\"code\":\"domain_not_allowed\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(reenroll.statusCode()).isEqualTo(401);
        assertThat(reenroll.body()).contains("certificate being renewed");
        assertThat(garbage.statusCode()).isEqualTo(422);
        assertThat(garbage.body()).contains("\"code\":\"invalid_csr\"");
        assertThat(certificates(account)).isEmpty();
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/scep/passwords")
                        .text())
                .isEqualTo(passwords);

        server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("enabled", false))
                .assertStatus(200);
        var off = post(
                account,
                "simpleenroll",
                Pkcs10.build(keys, KeyType.EC_P256, List.of("refusing-est.scep.test")),
                Optional.of(password));
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(certificates(account)).isEmpty();
    }

    @Test
    void aHeldRequestIsAcceptedWithRetryAfterAndSentAgainAfterApprovalGetsItsCertificate() throws Exception {
        String account = account("held-est.scep.test", "HOLD");
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, RANDOM);
        byte[] csr = Pkcs10.build(keys, KeyType.EC_P256, List.of("scanner-22.lan"));

        var held = post(account, "simpleenroll", csr, Optional.of(password(account)));
        assertThat(held.statusCode()).isEqualTo(202);
        assertThat(held.headers().firstValue("Retry-After")).contains("60");
        String rid = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/requests?status=PENDING")
                .json()
                .get("requests")
                .get(0)
                .get("id")
                .asText();
        // the one-time password is spent by the held request: sent again, the same CSR is known by itself
        assertThat(post(account, "simpleenroll", csr, Optional.of("spent-or-not-the-request-is-known"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(post(account, "simpleenroll", csr, Optional.empty()).statusCode())
                .isEqualTo(401);

        server.admin()
                .post("/api/v1/accounts/" + account + "/scep/requests/" + rid + "/approve", Map.of())
                .assertStatus(200);
        String password = server.admin()
                .post("/api/v1/accounts/" + account + "/scep/passwords", Map.of("kind", "STATIC"))
                .json()
                .get("password")
                .asText();
        var issued = post(account, "simpleenroll", csr, Optional.of(password));
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(certificates(account)).singleElement().satisfies(c -> {
            assertThat(c.get("issuedFor").asText()).isEqualTo("EST");
            assertThat(c.get("dnsNames").get(0).asText()).isEqualTo("scanner-22.lan");
        });
    }

    @Test
    void theEstPortServesEstOnlyAndTheApiPortAsksForNoClientCertificate() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(
                        List.of(server.server().platformCa().root())))
                .build();
        var api = http.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port() + "/api/v1/platform/ca.pem"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(ScepClient.class).isNotNull();
    }
}
