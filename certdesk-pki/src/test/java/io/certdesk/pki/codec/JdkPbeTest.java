package io.certdesk.pki.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import java.io.InputStream;
import java.util.List;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDK path really decrypts and checks the MAC of real files (it is not silently left to Bouncy Castle). */
class JdkPbeTest {
    @ParameterizedTest
    @ValueSource(strings = {"openssl3-default.p12", "openssl3-legacy.p12", "jdk.p12", "keytool.p12"})
    void theJdkChecksTheMacAndDecryptsTheCertificatesOfEachToolsFile(String file) throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/interop/" + file)) {
            bytes = in.readAllBytes();
        }
        Pfx pfx = new PKCS12PfxPdu(bytes).toASN1Structure();
        assertThat(JdkPbe.macValid(pfx, "interop-pass".toCharArray())).contains(true);
        assertThat(JdkPbe.macValid(pfx, "wrong".toCharArray())).contains(false);
        for (ContentInfo info : new PKCS12PfxPdu(bytes).getContentInfos()) {
            if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
                var algorithm = EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm();
                assertThat(JdkPbe.decrypts(algorithm))
                        .as(algorithm.getAlgorithm().getId())
                        .isTrue();
            }
        }
    }

    @Test
    void aNonAsciiPasswordOpensModernAndLegacyFiles() {
        char[] password = "pässwört-ü€".toCharArray();
        var leaf = TestCa.certificate("CN=print.acme.test")
                .endEntity()
                .dns("print.acme.test")
                .build();
        byte[] modern = new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate())).build(password);
        assertThat(Pkcs12Reader.read(modern, password).keys()).hasSize(1);
        byte[] legacy = new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate()))
                .legacy()
                .build(password);
        assertThat(Pkcs12Reader.read(legacy, password).keys()).hasSize(1);
    }
}
