package io.certdesk.pki.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.Pkcs7Codec;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignedChainImportTest {
    private static final Set<String> DOMAINS = Set.of("print.acme.test");
    private static final KeyPair REQUEST_KEY = KeyPairs.generate(KeyType.EC_P256, new SecureRandom());

    private static TestCa.Issued root() {
        return TestCa.certificate("CN=Customer Root").build();
    }

    private static TestCa.Issued leafFor(KeyPair keys, TestCa.Issued issuer, String... names) {
        return TestCa.certificate("CN=" + names[0])
                .issuedBy(issuer)
                .endEntity()
                .keyPair(keys)
                .dns(names)
                .build();
    }

    @Test
    void theCertificateForTheRequestsKeyBecomesAChainOrderedLeafFirstWhateverTheFileOrder() {
        TestCa.Issued root = root();
        TestCa.Issued leaf = leafFor(REQUEST_KEY, root, "print.acme.test");
        byte[] pkcs7 = Pkcs7Codec.writeCertificatesDer(List.of(root.certificate(), leaf.certificate()));
        var signed = SignedChainImport.evaluate(pkcs7, REQUEST_KEY.getPublic(), DOMAINS, List.of(), TestCa.NOW);
        assertThat(signed.certificates()).containsExactly(leaf.certificate(), root.certificate());
        assertThat(signed.dnsNames()).containsExactly("print.acme.test");
        assertThat(signed.purposes()).contains(ChainPurpose.TLS_SERVER);
        assertThat(signed.warnings()).isEmpty();
    }

    @Test
    void aLeafAloneIsCompletedFromTheKnownCasOrWarnedAboutWhenItCannotBe() {
        TestCa.Issued root = root();
        byte[] leafPem = Pem.bytes(
                Pem.certificate(leafFor(REQUEST_KEY, root, "print.acme.test").certificate()));
        var completed = SignedChainImport.evaluate(
                leafPem, REQUEST_KEY.getPublic(), DOMAINS, List.of(root.certificate()), TestCa.NOW);
        assertThat(completed.certificates()).hasSize(2);
        var alone = SignedChainImport.evaluate(leafPem, REQUEST_KEY.getPublic(), DOMAINS, List.of(), TestCa.NOW);
        assertThat(alone.warnings()).extracting(ImportWarning::code).containsExactly(WarningCode.INCOMPLETE_CHAIN);
    }

    @Test
    void aCertificateForAnotherKeyANameNotTheAccountsOrAnEndedOneIsRefusedWithItsCode() {
        TestCa.Issued root = root();
        KeyPair other = KeyPairs.generate(KeyType.EC_P256, new SecureRandom());
        assertThatThrownBy(() -> SignedChainImport.evaluate(
                        Pem.bytes(Pem.certificate(
                                leafFor(other, root, "print.acme.test").certificate())),
                        REQUEST_KEY.getPublic(),
                        DOMAINS,
                        List.of(),
                        TestCa.NOW))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.KEY_MISMATCH);
        assertThatThrownBy(() -> SignedChainImport.evaluate(
                        Pem.bytes(Pem.certificate(leafFor(REQUEST_KEY, root, "print.acme.test", "evil.example")
                                .certificate())),
                        REQUEST_KEY.getPublic(),
                        DOMAINS,
                        List.of(),
                        TestCa.NOW))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.DOMAIN_NOT_ALLOWED);
        assertThatThrownBy(() -> SignedChainImport.evaluate(
                        Pem.bytes(Pem.certificate(
                                leafFor(REQUEST_KEY, root, "print.acme.test").certificate())),
                        REQUEST_KEY.getPublic(),
                        DOMAINS,
                        List.of(),
                        TestCa.NOW.plus(Duration.ofDays(3650))))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.EXPIRED);
    }
}
