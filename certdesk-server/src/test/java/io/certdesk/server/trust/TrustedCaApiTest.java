package io.certdesk.server.trust;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;

class TrustedCaApiTest extends OnBothDatabases {
    private static final Instant NOW = Instant.now();
    private final TestCa.Issued root = TestCa.certificate("O=Acme,CN=Acme Root CA")
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3650)))
            .build();
    private final TestCa.Issued intermediate = TestCa.certificate("O=Acme,CN=Acme LDAP CA")
            .issuedBy(root)
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)))
            .build();

    private String base(String account) {
        return "/api/v1/accounts/" + account + "/trusted-cas";
    }

    @Test
    void anAdminImportsAPemBundleThenReadsDownloadsAndDeletesItsCertificates() throws Exception {
        Api admin = server.admin();
        String account = admin.createVendor("Trusting");
        String pem = "exported from ldap.acme.test\r\n"
                + Pem.certificate(root.certificate()).replace("\n", "\r\n")
                + Pem.certificate(intermediate.certificate());
        var imported = admin.upload(base(account), "acme.pem", Pem.bytes(pem))
                .assertStatus(201)
                .json();
        assertThat(imported.path("imported")).hasSize(2);
        assertThat(imported.path("skipped")).isEmpty();
        assertThat(imported.path("warnings")).isEmpty();
        JsonNode first = imported.path("imported").get(0);
        assertThat(first.path("subject").asText()).isEqualTo("CN=Acme Root CA,O=Acme");
        assertThat(first.path("issuer").asText()).isEqualTo("CN=Acme Root CA,O=Acme");
        assertThat(first.path("sha256").asText()).isEqualTo(CertificateCodec.sha256Hex(root.certificate()));
        assertThat(first.path("isCa").asBoolean()).isTrue();
        assertThat(first.path("selfSigned").asBoolean()).isTrue();
        assertThat(first.path("keyAlgorithm").asText()).isEqualTo("EC");
        assertThat(first.path("keySize").asInt()).isEqualTo(256);
        assertThat(first.path("signatureAlgorithm").asText()).isEqualTo("SHA256withECDSA");
        assertThat(first.path("serialNumber").asText())
                .isEqualTo(root.certificate().getSerialNumber().toString(16));
        assertThat(first.path("notAfter").asText()).endsWith("Z");
        assertThat(imported.path("imported").get(1).path("selfSigned").asBoolean())
                .isFalse();

        String id = first.path("id").asText();
        assertThat(admin.get(base(account)).assertStatus(200).json().path("certificates"))
                .hasSize(2);
        assertThat(admin.get(base(account) + "/" + id)
                        .assertStatus(200)
                        .json()
                        .path("sha256")
                        .asText())
                .isEqualTo(first.path("sha256").asText());
        var download = admin.get(base(account) + "/" + id + "/pem").assertStatus(200);
        assertThat(download.header("Content-Type")).startsWith("application/x-pem-file");
        X509Certificate downloaded = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(download.raw().body()));
        assertThat(downloaded).isEqualTo(root.certificate());

        admin.delete(base(account) + "/" + id).assertStatus(204);
        admin.get(base(account) + "/" + id).assertProblem(404, "not_found");
        admin.delete(base(account) + "/" + id).assertProblem(404, "not_found");
        assertThat(admin.get(base(account)).json().path("certificates")).hasSize(1);
        assertThat(admin.get("/api/v1/accounts/" + account + "/audit").json().path("entries"))
                .extracting(e -> e.path("action").asText())
                .contains("TRUSTED_CA_IMPORTED", "TRUSTED_CA_DELETED");
    }

    @Test
    void importingACertificateTheAccountHasReportsItAsSkipped() {
        Api admin = server.admin();
        String account = admin.createVendor("Twice");
        admin.upload(base(account), "root.pem", Pem.bytes(Pem.certificate(root.certificate())))
                .assertStatus(201);
        var again = admin.upload(
                        base(account),
                        "both.pem",
                        Pem.bytes(Pem.certificate(root.certificate()) + Pem.certificate(intermediate.certificate())))
                .assertStatus(201)
                .json();
        assertThat(again.path("imported")).hasSize(1);
        assertThat(again.path("skipped")).hasSize(1);
        assertThat(again.path("skipped").get(0).path("code").asText()).isEqualTo("already_imported");
        assertThat(again.path("skipped").get(0).path("sha256").asText())
                .isEqualTo(CertificateCodec.sha256Hex(root.certificate()));
        assertThat(admin.get(base(account)).json().path("certificates")).hasSize(2);
    }

    @Test
    void derAndPkcs7FilesAreImportedAndAServerCertificateIsFlaggedNotCa() throws Exception {
        Api admin = server.admin();
        String account = admin.createVendor("Formats");
        admin.upload(base(account), "root.cer", root.certificate().getEncoded()).assertStatus(201);
        CMSSignedDataGenerator p7 = new CMSSignedDataGenerator();
        p7.addCertificates(new JcaCertStore(List.of(root.certificate(), intermediate.certificate())));
        byte[] p7b = p7.generate(new CMSProcessableByteArray(new byte[0])).getEncoded();
        var bundle =
                admin.upload(base(account), "chain.p7b", p7b).assertStatus(201).json();
        assertThat(bundle.path("imported")).hasSize(1);
        assertThat(bundle.path("skipped")).hasSize(1);

        var ldap = TestCa.certificate("CN=ldap.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10)))
                .build();
        var flagged = admin.upload(base(account), "ldap.pem", Pem.bytes(Pem.certificate(ldap.certificate())))
                .assertStatus(201)
                .json();
        assertThat(flagged.path("imported").get(0).path("isCa").asBoolean()).isFalse();
        assertThat(flagged.path("warnings"))
                .extracting(w -> w.path("code").asText())
                .containsExactly("not_ca", "expires_soon");
        assertThat(flagged.path("warnings").get(0).path("message").asText()).contains("CN=ldap.acme.test");
    }

    @Test
    void everyRefusalHasItsCodeAndStoresNothingFromTheFile() throws Exception {
        Api admin = server.admin();
        String account = admin.createVendor("Refusals");
        admin.upload(base(account), "root.pem", Pem.bytes(Pem.certificate(root.certificate())))
                .assertStatus(201);

        var expired = TestCa.certificate("CN=Old CA")
                .validity(NOW.minus(Duration.ofDays(800)), NOW.minus(Duration.ofDays(2)))
                .build();
        var r = admin.upload(
                        base(account),
                        "mixed.pem",
                        Pem.bytes(Pem.certificate(intermediate.certificate()) + Pem.certificate(expired.certificate())))
                .assertProblem(422, "expired");
        assertThat(r.json().path("detail").asText()).contains("CN=Old CA");

        admin.upload(
                        base(account),
                        "with-key.pem",
                        Pem.bytes(Pem.certificate(intermediate.certificate())
                                + Pem.block("PRIVATE KEY", intermediate.key().getEncoded())))
                .assertProblem(422, "private_key_not_allowed");
        admin.upload(base(account), "key.der", intermediate.key().getEncoded())
                .assertProblem(422, "private_key_not_allowed");
        admin.upload(base(account), "notes.txt", Pem.bytes("no certificate here"))
                .assertProblem(422, "invalid_file");

        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        p12.setKeyEntry("k", intermediate.key(), "pw".toCharArray(), new java.security.cert.Certificate[] {
            intermediate.certificate()
        });
        java.io.ByteArrayOutputStream pfx = new java.io.ByteArrayOutputStream();
        p12.store(pfx, "pw".toCharArray());
        admin.upload(base(account), "server.pfx", pfx.toByteArray()).assertProblem(422, "invalid_file");

        byte[] big = new byte[1024 * 1024 + 1];
        byte[] pem = Pem.bytes(Pem.certificate(intermediate.certificate()));
        System.arraycopy(pem, 0, big, 0, pem.length);
        admin.upload(base(account), "big.pem", big).assertProblem(413, "too_large");
        admin.upload(base(account), "huge.pem", new byte[3 * 1024 * 1024]).assertProblem(413, "too_large");

        String one = Pem.certificate(intermediate.certificate());
        admin.upload(base(account), "many.pem", Pem.bytes(one.repeat(501))).assertProblem(422, "too_many_certificates");

        admin.upload(base(account), "other", "notes.pem", pem, java.util.Map.of())
                .assertProblem(422, "validation_failed");
        admin.post(base(account), java.util.Map.of("file", "x")).assertProblem(415, "unsupported_media_type");

        var list = admin.get(base(account)).json().path("certificates");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("sha256").asText()).isEqualTo(CertificateCodec.sha256Hex(root.certificate()));
    }

    @Test
    void aLongListIsReadPageByPageWithoutGapsOrRepeats() {
        Api admin = server.admin();
        String account = admin.createVendor("Many");
        StringBuilder pem = new StringBuilder();
        for (int i = 0; i < 230; i++) {
            pem.append(Pem.certificate(TestCa.certificate("CN=CA " + i)
                    .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)))
                    .build()
                    .certificate()));
        }
        assertThat(admin.upload(base(account), "many.pem", Pem.bytes(pem.toString()))
                        .assertStatus(201)
                        .json()
                        .path("imported"))
                .hasSize(230);
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = admin.get(base(account) + "?limit=100" + (after == null ? "" : "&after=" + after))
                    .assertStatus(200)
                    .json();
            sizes.add(page.path("certificates").size());
            page.path("certificates")
                    .forEach(c -> assertThat(seen.add(c.path("id").asText())).isTrue());
            after = page.path("next").isNull() ? null : page.path("next").asText();
        } while (after != null);
        assertThat(sizes).containsExactly(100, 100, 30);
        assertThat(seen).hasSize(230);
        admin.get(base(account) + "?after=unknown").assertProblem(422, "validation_failed");
        admin.get(base(account) + "?limit=abc").assertProblem(422, "validation_failed");
    }
}
