package io.certdesk.server.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A device makes its key and CSR (OpenSSL, as a printer's web page would), the platform CA signs
 * it for the account's names only; the chain verifies with OpenSSL, its PKCS#7 reads in Python's
 * cryptography, and the certificate is listed, revocable and in the expiry view.
 */
class DeviceSigningApiTest extends OnBothDatabases {
    private static String certificates(String account) {
        return "/api/v1/accounts/" + account + "/certificates";
    }

    private static String accountWith(String... domains) {
        String account = server.admin().createVendor("Devices " + System.nanoTime());
        server.admin().setDomains(account, domains);
        return account;
    }

    /** A device's key and CSR made by OpenSSL in {@code dir} ({@code san} as OpenSSL's -addext takes it, or none). */
    private static Path deviceCsr(Path dir, String name, String subject, String san, String keyOption) {
        List<String> command = new java.util.ArrayList<>(List.of(
                "openssl", "req", "-new", "-newkey", keyOption, "-nodes", "-keyout", name + ".key", "-subj", subject));
        if (keyOption.equals("ec")) {
            command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        if (san != null) {
            command.addAll(List.of("-addext", "subjectAltName=" + san));
        }
        command.addAll(List.of("-out", name + ".csr"));
        var made = DebianTools.run(dir, command.toArray(new String[0]));
        assertThat(made.exit()).as(made.output()).isZero();
        return dir.resolve(name + ".csr");
    }

    private static int signedCount(String account) {
        return server.admin()
                .get(certificates(account))
                .assertStatus(200)
                .json()
                .path("certificates")
                .size();
    }

    @Test
    void aDevicesCsrFromOpensslIsSignedAndItsChainVerifiesAgainstThePlatformCaForBothUses() throws Exception {
        DebianTools.require("openssl");
        String domain = "mfp-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        Path dir = Files.createTempDirectory("device");
        Path csr = deviceCsr(dir, "printer", "/CN=printer/O=Device Maker", "DNS:" + domain, "rsa:2048");
        var answer = server.admin()
                .sendRaw(
                        "POST",
                        certificates(account) + "/sign?profile=TLS_SERVER_AND_CLIENT&validityDays=90",
                        Files.readAllBytes(csr),
                        "application/pkcs10")
                .assertStatus(201);
        assertThat(answer.header("Content-Type")).startsWith("application/pem-certificate-chain");
        String[] blocks = answer.text().split("(?<=-----END CERTIFICATE-----\n)");
        assertThat(blocks).hasSize(3);
        Files.writeString(dir.resolve("leaf.pem"), blocks[0]);
        Files.writeString(dir.resolve("issuing.pem"), blocks[1]);
        Files.write(
                dir.resolve("ca.pem"),
                server.anonymous().get("/api/v1/platform/ca.pem").raw().body());
        for (String purpose : List.of("sslserver", "sslclient")) {
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
                    purpose,
                    "leaf.pem");
            assertThat(verify.output()).as(purpose).contains("leaf.pem: OK");
        }
        var text = DebianTools.run(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-text", "-modulus");
        assertThat(text.output())
                .contains("Subject: CN = " + domain) // the platform's profile, not the request's subject
                .doesNotContain("Device Maker")
                .contains("DNS:" + domain);
        var keyModulus = DebianTools.run(dir, "openssl", "rsa", "-in", "printer.key", "-noout", "-modulus");
        assertThat(text.output()).contains(keyModulus.output().strip());

        String serial =
                answer.header("Location").substring(answer.header("Location").lastIndexOf('/') + 1);
        JsonNode listed = server.admin().get(certificates(account)).json().path("certificates");
        assertThat(listed).extracting(c -> c.path("serial").asText()).containsExactly(serial);
        assertThat(listed.get(0).path("dnsNames")).extracting(JsonNode::asText).containsExactly(domain);
        JsonNode one = server.admin()
                .get(certificates(account) + "/" + serial)
                .assertStatus(200)
                .json();
        assertThat(one.path("chainPem").asText()).isEqualTo(answer.text());
        // it is in the account's expiry view, known by its serial
        JsonNode expiring = server.admin()
                .get("/api/v1/accounts/" + account + "/expiring?within=P91D")
                .assertStatus(200)
                .json();
        assertThat(expiring.toString()).contains(serial).contains("SIGNED_REQUEST");
    }

    @Test
    void thePkcs7AnswerIsReadByPythonsCryptographyPackage() throws Exception {
        DebianTools.require("openssl");
        DebianTools.require("python3");
        String domain = "zebra-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain, "www." + domain);
        Path dir = Files.createTempDirectory("device");
        Path csr = deviceCsr(dir, "label", "/CN=" + domain, "DNS:" + domain + ",DNS:www." + domain, "ec");
        var answer = server.admin()
                .sendRawWithHeader(
                        "POST",
                        certificates(account) + "/sign",
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .writeValueAsBytes(Map.of("csr", Files.readString(csr), "profile", "TLS_CLIENT")),
                        "application/json",
                        "Bearer " + server.admin().token());
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(answer.header("Content-Type")).startsWith("application/pem-certificate-chain");
        String serial =
                answer.header("Location").substring(answer.header("Location").lastIndexOf('/') + 1);
        byte[] p7 = server.admin()
                .get(certificates(account) + "/" + serial + "/chain.p7b")
                .assertStatus(200)
                .raw()
                .body();
        Files.write(dir.resolve("chain.p7b"), p7);
        var python = DebianTools.run(
                dir,
                "/usr/bin/python3",
                "-c",
                "from cryptography.hazmat.primitives.serialization import pkcs7\n"
                        + "from cryptography import x509\n"
                        + "certs = pkcs7.load_der_pkcs7_certificates(open('chain.p7b','rb').read())\n"
                        + "leaf = certs[0]\n"
                        + "san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value\n"
                        + "eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value\n"
                        + "print(len(certs), ','.join(san.get_values_for_type(x509.DNSName)),"
                        + " ','.join(u._name for u in eku), format(leaf.serial_number, 'x'))\n");
        assertThat(python.output().strip()).isEqualTo("3 " + domain + ",www." + domain + " clientAuth " + serial);
    }

    @Test
    void aCsrNamingAForeignDomainAWildcardOrAnAddressIsRefusedAndNothingIsIssued() throws Exception {
        DebianTools.require("openssl");
        String mine = "own-" + System.nanoTime() + ".acme.test";
        String account = accountWith(mine);
        String theirs = "theirs-" + System.nanoTime() + ".acme.test";
        accountWith(theirs);
        Path dir = Files.createTempDirectory("device");
        for (String san : List.of(
                "DNS:" + theirs,
                "DNS:" + mine + ",DNS:" + theirs,
                "DNS:*.acme.test",
                "DNS:" + mine + ",IP:127.0.0.1")) {
            Path csr = deviceCsr(dir, "d" + Math.abs(san.hashCode()), "/CN=" + mine, san, "ec");
            server.admin()
                    .sendRaw("POST", certificates(account) + "/sign", Files.readAllBytes(csr), "application/pkcs10")
                    .assertProblem(422, "domain_not_allowed");
        }
        // no SAN: the common name is the name asked for, and it is another account's
        Path cnOnly = deviceCsr(dir, "cn", "/CN=" + theirs, null, "ec");
        server.admin()
                .sendRaw("POST", certificates(account) + "/sign", Files.readAllBytes(cnOnly), "application/pkcs10")
                .assertProblem(422, "domain_not_allowed");
        server.admin()
                .sendRaw("POST", certificates(account) + "/sign", "hello".getBytes(), "application/pkcs10")
                .assertProblem(422, "invalid_csr");
        byte[] tampered = Files.readString(deviceCsr(dir, "t", "/CN=" + mine, "DNS:" + mine, "rsa:2048"))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] der = java.util.Base64.getMimeDecoder()
                .decode(new String(tampered, StandardCharsets.US_ASCII)
                        .replaceAll("-----[A-Z ]+-----", "")
                        .strip());
        der[der.length - 20] ^= 0x01;
        server.admin()
                .sendRaw("POST", certificates(account) + "/sign", der, "application/pkcs10")
                .assertProblem(422, "csr_signature_invalid");
        server.admin()
                .sendRaw(
                        "POST",
                        certificates(account) + "/sign?validityDays=400",
                        Files.readAllBytes(cnOnly),
                        "application/pkcs10")
                .assertProblem(422, "validation_failed");
        assertThat(signedCount(account)).isZero();
    }

    @Test
    void aSignedCertificateIsRevokedOnceAndASiblingCannotSeeOrRevokeIt() throws Exception {
        DebianTools.require("openssl");
        String domain = "pos-" + System.nanoTime() + ".acme.test";
        String vendor = accountWith(domain);
        Path dir = Files.createTempDirectory("device");
        Path csr = deviceCsr(dir, "pos", "/CN=" + domain, "DNS:" + domain, "ec");
        var answer = server.admin()
                .sendRaw("POST", certificates(vendor) + "/sign", Files.readAllBytes(csr), "application/pkcs10")
                .assertStatus(201);
        String serial =
                answer.header("Location").substring(answer.header("Location").lastIndexOf('/') + 1);
        String other = accountWith("other-" + System.nanoTime() + ".acme.test");
        server.admin()
                .post(certificates(other) + "/" + serial + "/revoke", Map.of("reason", "keyCompromise"))
                .assertProblem(404, "not_found");
        server.admin().get(certificates(other) + "/" + serial).assertProblem(404, "not_found");
        JsonNode revoked = server.admin()
                .post(certificates(vendor) + "/" + serial + "/revoke", Map.of("reason", "keyCompromise"))
                .assertStatus(200)
                .json();
        assertThat(revoked.path("revocation").path("reason").asText()).isEqualTo("keyCompromise");
        server.admin()
                .post(certificates(vendor) + "/" + serial + "/revoke", Map.of("reason", "superseded"))
                .assertProblem(409, "already_revoked");
        assertThat(server.admin()
                        .get(certificates(vendor) + "/" + serial)
                        .json()
                        .path("revocation")
                        .path("reason")
                        .asText())
                .isEqualTo("keyCompromise");
        // the CA answers for it: its OCSP responder says revoked
        Files.write(
                dir.resolve("ca.pem"),
                server.anonymous().get("/api/v1/platform/ca.pem").raw().body());
        String[] blocks = answer.text().split("(?<=-----END CERTIFICATE-----\n)");
        Files.writeString(dir.resolve("leaf.pem"), blocks[0]);
        Files.writeString(dir.resolve("issuing.pem"), blocks[1]);
        var ocsp = DebianTools.run(
                dir,
                "openssl",
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-cert",
                "leaf.pem",
                "-url",
                "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/pki/ocsp",
                "-CAfile",
                "ca.pem");
        assertThat(ocsp.output()).contains("Response verify OK").contains("leaf.pem: revoked");
        // and a revoked certificate is no longer in the expiry view
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + vendor + "/expiring?within=P400D")
                        .json()
                        .toString())
                .doesNotContain(serial);
    }
}
