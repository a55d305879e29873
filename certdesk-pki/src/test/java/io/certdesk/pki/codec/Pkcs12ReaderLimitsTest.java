package io.certdesk.pki.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A file's own iteration counts decide how long its key derivations take: a hostile count is
 * refused before any derivation runs (each test would otherwise run for hours and time out).
 */
class Pkcs12ReaderLimitsTest {
    private static final char[] PASSWORD = "limits-pass".toCharArray();
    private static final BigInteger TWO_BILLION = BigInteger.valueOf(2_000_000_000L);

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aMacAskingForTwoBillionIterationsIsRefusedWithoutDerivingAKey() throws Exception {
        Pfx pfx = Pfx.getInstance(legacyFile());
        MacData mac = pfx.getMacData();
        byte[] hostile = new Pfx(
                        pfx.getAuthSafe(), new MacData(mac.getMac(), mac.getSalt(), TWO_BILLION.intValueExact()))
                .getEncoded();

        assertThatThrownBy(() -> Pkcs12Reader.read(hostile, PASSWORD.clone()))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.INVALID_FILE))
                .hasMessageContaining("2000000000 password iterations")
                .hasMessageContaining("1,000,000");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aKeyEncryptedWithTwoBillionIterationsIsRefusedWithoutDerivingAKey() throws Exception {
        Pfx pfx = Pfx.getInstance(legacyFile());
        ContentInfo[] infos = AuthenticatedSafe.getInstance(
                        ASN1OctetString.getInstance(pfx.getAuthSafe().getContent())
                                .getOctets())
                .getContentInfo();
        List<ContentInfo> patched = new ArrayList<>();
        int keyBags = 0;
        for (ContentInfo info : infos) {
            if (!info.getContentType().equals(PKCSObjectIdentifiers.data)) {
                patched.add(info);
                continue;
            }
            ASN1EncodableVector bags = new ASN1EncodableVector();
            for (var element : ASN1Sequence.getInstance(
                    ASN1OctetString.getInstance(info.getContent()).getOctets())) {
                SafeBag bag = SafeBag.getInstance(element);
                if (bag.getBagId().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
                    keyBags++;
                    EncryptedPrivateKeyInfo key = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue());
                    AlgorithmIdentifier algorithm = key.getEncryptionAlgorithm();
                    PKCS12PBEParams params = PKCS12PBEParams.getInstance(algorithm.getParameters());
                    var slow = new AlgorithmIdentifier(
                            algorithm.getAlgorithm(), new PKCS12PBEParams(params.getIV(), TWO_BILLION.intValueExact()));
                    bag = new SafeBag(
                            bag.getBagId(),
                            new EncryptedPrivateKeyInfo(slow, key.getEncryptedData()),
                            bag.getBagAttributes());
                }
                bags.add(bag);
            }
            patched.add(
                    new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(new DLSequence(bags).getEncoded())));
        }
        assertThat(keyBags)
                .as("the legacy builder puts its key bag in plain data")
                .isEqualTo(1);
        var authSafe = new ContentInfo(
                PKCSObjectIdentifiers.data,
                new DEROctetString(new AuthenticatedSafe(patched.toArray(new ContentInfo[0])).getEncoded()));
        byte[] hostile =
                new Pfx(authSafe, null).getEncoded(); // no MAC: the key's derivation is the first that could run

        assertThatThrownBy(() -> Pkcs12Reader.read(hostile, PASSWORD.clone()))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.INVALID_FILE))
                .hasMessageContaining("encryption")
                .hasMessageContaining("2000000000 password iterations");
    }

    @Test
    void aWrongPasswordIsStillReportedAsSuchWhileTheMacIsCheckedBesideTheDecryption() {
        byte[] file = legacyFile();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> Pkcs12Reader.read(file, "not-it".toCharArray()))
                    .isInstanceOfSatisfying(
                            PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.WRONG_PASSWORD));
            assertThat(Pkcs12Reader.read(file, PASSWORD.clone()).keys()).hasSize(1);
        }
    }

    private static byte[] legacyFile() {
        var leaf = TestCa.certificate("CN=print.acme.test")
                .endEntity()
                .dns("print.acme.test")
                .build();
        return new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate()))
                .legacy()
                .build(PASSWORD);
    }
}
