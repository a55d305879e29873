package io.certdesk.pki.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;

class CertificateFilesTest {
    private final TestCa.Issued root =
            TestCa.certificate("CN=Files Root,O=Test").build();
    private final TestCa.Issued intermediate =
            TestCa.certificate("CN=Files Intermediate,O=Test").issuedBy(root).build();

    @Test
    void pemWithTextAroundAndBetweenBlocksAndCrlfIsRead() {
        String pem = "Bag Attributes\r\n    friendlyName: root\r\nsubject=CN = Files Root\r\n"
                + Pem.certificate(root.certificate()).replace("\n", "\r\n")
                + "\r\nsome text between\r\n"
                + Pem.certificate(intermediate.certificate()).replace("\n", "\r\n") + "trailing words";
        assertThat(CertificateFiles.readCertificates(Pem.bytes(pem)))
                .containsExactly(root.certificate(), intermediate.certificate());
    }

    @Test
    void derAndTheTrustedCertificateArmorAreRead() throws Exception {
        assertThat(CertificateFiles.readCertificates(root.certificate().getEncoded()))
                .containsExactly(root.certificate());
        // OpenSSL's TRUSTED CERTIFICATE: the certificate followed by its trust settings (here, an empty SEQUENCE).
        ByteArrayOutputStream trusted = new ByteArrayOutputStream();
        trusted.write(root.certificate().getEncoded());
        trusted.write(new byte[] {0x30, 0x00});
        assertThat(CertificateFiles.readCertificates(
                        Pem.bytes(Pem.block("TRUSTED CERTIFICATE", trusted.toByteArray()))))
                .containsExactly(root.certificate());
    }

    @Test
    void pkcs7BundlesAreReadInDerAndPem() throws Exception {
        byte[] p7b = pkcs7(List.of(root.certificate(), intermediate.certificate()));
        assertThat(CertificateFiles.readCertificates(p7b))
                .containsExactlyInAnyOrder(root.certificate(), intermediate.certificate());
        assertThat(CertificateFiles.readCertificates(Pem.bytes(Pem.block("PKCS7", p7b))))
                .containsExactlyInAnyOrder(root.certificate(), intermediate.certificate());
    }

    @Test
    void aVersionOneRootIsRead() {
        X509Certificate v1 =
                TestCa.certificate("CN=Old Root").version1().build().certificate();
        assertThat(v1.getVersion()).isEqualTo(1);
        assertThat(CertificateFiles.readCertificates(Pem.bytes(Pem.certificate(v1))))
                .containsExactly(v1);
    }

    @Test
    void anyPrivateKeyInTheFileRefusesIt() throws Exception {
        var key = KeyPairs.generate(KeyType.EC_P256, new SecureRandom()).getPrivate();
        for (String label : List.of("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY")) {
            String pem = Pem.certificate(root.certificate()) + Pem.block(label, key.getEncoded());
            assertRefused(Pem.bytes(pem), PkiError.PRIVATE_KEY_NOT_ALLOWED);
        }
        assertRefused(key.getEncoded(), PkiError.PRIVATE_KEY_NOT_ALLOWED);
        var rsa = KeyPairs.generate(KeyType.RSA_2048, new SecureRandom()).getPrivate();
        assertRefused(rsa.getEncoded(), PkiError.PRIVATE_KEY_NOT_ALLOWED);
    }

    @Test
    void aPkcs12FileSentHereIsRefusedAsInvalidWithAHint() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "k", root.key(), "pw".toCharArray(), new java.security.cert.Certificate[] {root.certificate()});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, "pw".toCharArray());
        assertThatThrownBy(() -> CertificateFiles.readCertificates(out.toByteArray()))
                .isInstanceOfSatisfying(PkiException.class, e -> {
                    assertThat(e.error()).isEqualTo(PkiError.INVALID_FILE);
                    assertThat(e.getMessage()).contains("PKCS#12").contains("Private certificate chains");
                });
    }

    @Test
    void emptyGarbageAndUnterminatedFilesAreInvalid() {
        assertRefused(new byte[0], PkiError.INVALID_FILE);
        assertRefused(Pem.bytes("just some text, no certificate"), PkiError.INVALID_FILE);
        assertRefused(Pem.bytes("-----BEGIN CERTIFICATE-----\nAAAA\n"), PkiError.INVALID_FILE);
        assertRefused(
                Pem.bytes("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), PkiError.INVALID_FILE);
        assertRefused(Pem.bytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), PkiError.INVALID_FILE);
        assertRefused(new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}, PkiError.INVALID_FILE);
    }

    @Test
    void filesOverOneMebibyteOrFiveHundredCertificatesAreRefused() {
        assertRefused(new byte[CertificateFiles.MAX_FILE_BYTES + 1], PkiError.TOO_LARGE);
        String one = Pem.certificate(root.certificate());
        assertThat(CertificateFiles.readCertificates(Pem.bytes(one.repeat(CertificateFiles.MAX_CERTIFICATES))))
                .hasSize(500);
        assertRefused(Pem.bytes(one.repeat(CertificateFiles.MAX_CERTIFICATES + 1)), PkiError.TOO_MANY_CERTIFICATES);
    }

    @Test
    void manyBeginLinesWithoutEndAreRefusedQuickly() {
        byte[] hostile = Pem.bytes("-----BEGIN CERTIFICATE-----\n".repeat(30_000));
        assertRefused(hostile, PkiError.INVALID_FILE);
    }

    private static void assertRefused(byte[] file, PkiError expected) {
        assertThatThrownBy(() -> CertificateFiles.readCertificates(file))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    static byte[] pkcs7(List<X509Certificate> certificates) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addCertificates(new JcaCertStore(new ArrayList<>(certificates)));
        return generator.generate(new CMSProcessableByteArray(new byte[0])).getEncoded();
    }
}
