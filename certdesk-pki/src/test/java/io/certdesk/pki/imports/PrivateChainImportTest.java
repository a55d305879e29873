package io.certdesk.pki.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

class PrivateChainImportTest {
    private static final char[] PASSWORD = "s3cret-export".toCharArray();
    private static final Set<String> DOMAINS = Set.of("print.acme.test", "api.acme.test");
    private final TestCa.Issued root = TestCa.certificate("O=Acme,CN=Acme Root").build();
    private final TestCa.Issued intermediate =
            TestCa.certificate("O=Acme,CN=Acme Issuing").issuedBy(root).build();
    private final TestCa.Issued leaf = TestCa.certificate("CN=print.acme.test")
            .issuedBy(intermediate)
            .endEntity()
            .dns("print.acme.test")
            .build();

    private PrivateChainImport.Result importJdk(TestCa.Issued leaf, List<X509Certificate> chain) {
        return PrivateChainImport.evaluate(
                Pkcs12Files.jdk(leaf.key(), chain, PASSWORD, PASSWORD), PASSWORD, DOMAINS, List.of(), TestCa.NOW);
    }

    private static void assertRefused(Runnable importing, PkiError expected, String... messageParts) {
        assertThatThrownBy(importing::run).isInstanceOfSatisfying(PkiException.class, e -> {
            assertThat(e.error()).isEqualTo(expected);
            if (messageParts.length > 0) {
                assertThat(e.getMessage()).contains(messageParts);
            }
        });
    }

    @Test
    void aModernFileFromTheJdkBecomesOneChainLeafToRoot() {
        var result = importJdk(leaf, List.of(leaf.certificate(), intermediate.certificate(), root.certificate()));
        assertThat(result.chains()).hasSize(1);
        var chain = result.chains().get(0);
        assertThat(chain.certificates())
                .containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
        assertThat(chain.dnsNames()).containsExactly("print.acme.test");
        assertThat(chain.purposes()).containsExactlyInAnyOrder(ChainPurpose.TLS_SERVER, ChainPurpose.TOKEN_SIGNING);
        assertThat(((java.security.interfaces.ECPrivateKey) chain.key()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) leaf.key()).getS());
        assertThat(result.ignored()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aLegacyFileWithRc2And3desAndASha1MacImportsToo() {
        byte[] legacy = new Pkcs12Files.Custom(
                        leaf.key(), List.of(root.certificate(), leaf.certificate(), intermediate.certificate()))
                .keyBelongsTo(leaf.certificate())
                .legacy()
                .build(PASSWORD);
        var result = PrivateChainImport.evaluate(legacy, PASSWORD, DOMAINS, List.of(), TestCa.NOW);
        assertThat(result.chains().get(0).certificates())
                .containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
    }

    @Test
    void aChainMissingItsRootIsCompletedFromKnownCasOrWarned() {
        byte[] file = Pkcs12Files.jdk(
                leaf.key(), List.of(leaf.certificate(), intermediate.certificate()), PASSWORD, PASSWORD);
        var completed = PrivateChainImport.evaluate(file, PASSWORD, DOMAINS, List.of(root.certificate()), TestCa.NOW);
        assertThat(completed.chains().get(0).certificates())
                .containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
        assertThat(completed.warnings()).isEmpty();

        var incomplete = PrivateChainImport.evaluate(file, PASSWORD, DOMAINS, List.of(), TestCa.NOW);
        assertThat(incomplete.chains().get(0).certificates())
                .containsExactly(leaf.certificate(), intermediate.certificate());
        assertThat(incomplete.warnings()).extracting(ImportWarning::code).containsExactly(WarningCode.INCOMPLETE_CHAIN);
        assertThat(incomplete.warnings().get(0).message()).contains("CN=Acme Root,O=Acme");
    }

    @Test
    void certificatesWithoutAKeyAreListedAsIgnoredWithTheirReason() {
        var stranger = TestCa.certificate("CN=other.test")
                .issuedBy(root)
                .endEntity()
                .dns("other.test")
                .build();
        var otherCa = TestCa.certificate("CN=Unrelated CA").build();
        byte[] file = new Pkcs12Files.Custom(
                        leaf.key(),
                        List.of(
                                leaf.certificate(),
                                intermediate.certificate(),
                                root.certificate(),
                                stranger.certificate(),
                                otherCa.certificate()))
                .build(PASSWORD);
        var result = PrivateChainImport.evaluate(file, PASSWORD, DOMAINS, List.of(), TestCa.NOW);
        assertThat(result.chains()).hasSize(1);
        assertThat(result.ignored())
                .containsExactlyInAnyOrder(
                        new PrivateChainImport.Ignored(
                                "CN=other.test",
                                CertificateCodec.sha256Hex(stranger.certificate()),
                                IgnoredReason.NO_PRIVATE_KEY),
                        new PrivateChainImport.Ignored(
                                "CN=Unrelated CA",
                                CertificateCodec.sha256Hex(otherCa.certificate()),
                                IgnoredReason.NOT_IN_CHAIN));
    }

    @Test
    void aWildcardCoversADomainOneLabelBelowIt() {
        var wildcard = TestCa.certificate("CN=*.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("*.acme.test")
                .build();
        var chain = importJdk(wildcard, List.of(wildcard.certificate(), intermediate.certificate(), root.certificate()))
                .chains()
                .get(0);
        assertThat(chain.dnsNames()).containsExactly("*.acme.test");
    }

    @Test
    void aLeafWithoutSanIsCheckedByItsCommonName() {
        var cnOnly = TestCa.certificate("O=Acme,CN=API.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .build();
        assertThat(importJdk(cnOnly, List.of(cnOnly.certificate()))
                        .chains()
                        .get(0)
                        .dnsNames())
                .containsExactly("api.acme.test");
    }

    @Test
    void aLeafWhoseUsageExcludesServerAuthIsNotForTls() {
        var client = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test")
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                .build();
        assertThat(importJdk(client, List.of(client.certificate()))
                        .chains()
                        .get(0)
                        .purposes())
                .containsExactly(ChainPurpose.TOKEN_SIGNING);
    }

    @Test
    void passwordRequired() {
        byte[] file = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), PASSWORD, PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(file, new char[0], DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_REQUIRED);
        assertRefused(
                () -> PrivateChainImport.evaluate(file, null, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_REQUIRED);
        byte[] open = new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate()))
                .noEncryptionNoMac()
                .build(PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(open, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_REQUIRED,
                "not protected by a password");
        byte[] plainKey = new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate()))
                .unencryptedKey()
                .build(PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(plainKey, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_REQUIRED,
                "private key");
        byte[] emptyPassword = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), new char[0], new char[0]);
        assertRefused(
                () -> PrivateChainImport.evaluate(emptyPassword, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_REQUIRED,
                "empty password");
    }

    @Test
    void wrongPassword() {
        byte[] file = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), PASSWORD, PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(file, "not-it".toCharArray(), DOMAINS, List.of(), TestCa.NOW),
                PkiError.WRONG_PASSWORD);
    }

    @Test
    void passwordMismatch() {
        byte[] jdk = Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), PASSWORD, "key-password".toCharArray());
        assertRefused(
                () -> PrivateChainImport.evaluate(jdk, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_MISMATCH,
                "another password");
        byte[] legacy = new Pkcs12Files.Custom(leaf.key(), List.of(leaf.certificate()))
                .legacy()
                .keyPassword("other".toCharArray())
                .build(PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(legacy, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.PASSWORD_MISMATCH);
    }

    @Test
    void noPrivateKey() {
        byte[] file = Pkcs12Files.certificatesOnly(List.of(leaf.certificate(), root.certificate()), PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(file, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.NO_PRIVATE_KEY);
    }

    @Test
    void keyMismatch() {
        var other = TestCa.certificate("CN=api.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("api.acme.test")
                .build();
        byte[] tied = new Pkcs12Files.Custom(other.key(), List.of(leaf.certificate()))
                .keyBelongsTo(leaf.certificate())
                .build(PASSWORD);
        assertRefused(
                () -> PrivateChainImport.evaluate(tied, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.KEY_MISMATCH,
                "does not belong to its certificate");
    }

    @Test
    void expiredAndNotYetValid() {
        var expired = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test")
                .validity(TestCa.NOW.minus(Duration.ofDays(400)), TestCa.NOW.minus(Duration.ofDays(1)))
                .build();
        assertRefused(
                () -> importJdk(expired, List.of(expired.certificate())), PkiError.EXPIRED, "expired on 2030-05-31");
        var future = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test")
                .validity(TestCa.NOW.plus(Duration.ofDays(2)), TestCa.NOW.plus(Duration.ofDays(400)))
                .build();
        assertRefused(() -> importJdk(future, List.of(future.certificate())), PkiError.NOT_YET_VALID, "2030-06-03");
    }

    @Test
    void weakKey() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        var small = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test")
                .keyPair(rsa.generateKeyPair())
                .build();
        assertRefused(() -> importJdk(small, List.of(small.certificate())), PkiError.WEAK_KEY, "1024 bits");
    }

    @Test
    void weakSignature() {
        var rsaCa = TestCa.certificate("CN=RSA CA")
                .keyType(io.certdesk.pki.keys.KeyType.RSA_2048)
                .build();
        var sha1 = TestCa.certificate("CN=print.acme.test")
                .issuedBy(rsaCa)
                .endEntity()
                .dns("print.acme.test")
                .signatureAlgorithm("SHA1withRSA")
                .build();
        assertRefused(
                () -> importJdk(sha1, List.of(sha1.certificate(), rsaCa.certificate())),
                PkiError.WEAK_SIGNATURE,
                "SHA1withRSA");
    }

    @Test
    void noSubjectNames() {
        var anonymous =
                TestCa.certificate("O=Acme").issuedBy(intermediate).endEntity().build();
        assertRefused(() -> importJdk(anonymous, List.of(anonymous.certificate())), PkiError.NO_SUBJECT_NAMES);
    }

    @Test
    void domainNotAllowed() {
        var foreign = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test", "evil.test")
                .build();
        assertRefused(
                () -> importJdk(foreign, List.of(foreign.certificate())), PkiError.DOMAIN_NOT_ALLOWED, "evil.test");
        var ip = TestCa.certificate("CN=print.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("print.acme.test")
                .ip("10.1.2.3")
                .build();
        assertRefused(
                () -> importJdk(ip, List.of(ip.certificate())), PkiError.DOMAIN_NOT_ALLOWED, "10.1.2.3", "IP address");
        var tld = TestCa.certificate("CN=*.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("*.test")
                .build();
        assertRefused(() -> importJdk(tld, List.of(tld.certificate())), PkiError.DOMAIN_NOT_ALLOWED, "*.test");
        var deep = TestCa.certificate("CN=*.acme.test")
                .issuedBy(intermediate)
                .endEntity()
                .dns("*.print.acme.test")
                .build();
        assertRefused(() -> importJdk(deep, List.of(deep.certificate())), PkiError.DOMAIN_NOT_ALLOWED);
    }

    @Test
    void invalidFileAndTooLarge() {
        assertRefused(
                () -> PrivateChainImport.evaluate(
                        Pem.bytes(Pem.certificate(leaf.certificate())), PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.INVALID_FILE,
                "PEM");
        assertRefused(
                () -> PrivateChainImport.evaluate(new byte[] {1, 2, 3}, PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.INVALID_FILE);
        assertRefused(
                () -> PrivateChainImport.evaluate(new byte[1024 * 1024 + 1], PASSWORD, DOMAINS, List.of(), TestCa.NOW),
                PkiError.TOO_LARGE);
    }
}
