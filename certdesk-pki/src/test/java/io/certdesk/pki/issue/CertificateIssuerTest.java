package io.certdesk.pki.issue;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyType;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {
    private static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");
    private final CertificateIssuer issuer =
            new CertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

    @Test
    void thePlatformCaIsARootWithAnIssuingCaBelowIt() throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Certdesk Test", KeyType.EC_P256, Duration.ofDays(3650));
        assertThat(ca.root().getSubjectX500Principal()).isEqualTo(ca.root().getIssuerX500Principal());
        assertThat(ca.root().getBasicConstraints()).isEqualTo(1);
        assertThat(ca.issuing().getBasicConstraints()).isEqualTo(0);
        assertThat(ca.issuing().getIssuerX500Principal()).isEqualTo(ca.root().getSubjectX500Principal());
        ca.issuing().verify(ca.root().getPublicKey());
        ca.root().verify(ca.root().getPublicKey());
        assertThat(ca.root().getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.root().getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateIssuer.BACKDATE));
        assertThat(ca.issuing().getNotAfter()).isBefore(ca.root().getNotAfter());
        assertThat(ca.toString()).doesNotContain("Private");
    }

    @Test
    void aRenewedIssuingCaHasANewKeyOfTheSameTypeTheNextGenerationsNameAndSignsLeavesThatValidate() throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Certdesk Test", KeyType.RSA_3072, Duration.ofDays(3650));
        IssuedChain g2 = issuer.renewIssuingCa(ca, ca.issuing(), Duration.ofDays(1825));
        X509Certificate renewed = g2.leaf();
        assertThat(renewed.getSubjectX500Principal().getName()).contains("CN=Certdesk Test Issuing CA G2");
        assertThat(((java.security.interfaces.RSAPublicKey) renewed.getPublicKey())
                        .getModulus()
                        .bitLength())
                .isEqualTo(3072);
        assertThat(renewed.getPublicKey()).isNotEqualTo(ca.issuing().getPublicKey());
        assertThat(renewed.getBasicConstraints()).isEqualTo(0);
        renewed.verify(ca.root().getPublicKey());
        PlatformCa next =
                new PlatformCa(ca.root(), ca.rootKey(), renewed, g2.privateKey(), ca.ecIssuing(), ca.ecIssuingKey());
        assertThat(issuer.renewIssuingCa(next, renewed, Duration.ofDays(1825))
                        .leaf()
                        .getSubjectX500Principal()
                        .getName())
                .contains("CN=Certdesk Test Issuing CA G3");
        assertThat(issuer.renewIssuingCa(ca, ca.issuing(), Duration.ofDays(9000))
                        .leaf()
                        .getNotAfter())
                .as("never past the root")
                .isBeforeOrEqualTo(ca.root().getNotAfter());

        IssuedChain leaf = issuer.issueTlsServer(next, "print.acme.test", KeyType.RSA_2048, Duration.ofDays(90));
        assertThat(leaf.chain().get(1)).isEqualTo(renewed);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX")
                .validate(
                        CertificateFactory.getInstance("X.509")
                                .generateCertPath(leaf.chain().subList(0, 2)),
                        params);
    }

    @Test
    void aTlsServerChainValidatesToTheRootForItsNameOnly() throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Certdesk Test", KeyType.EC_P384, Duration.ofDays(3650));
        IssuedChain chain = issuer.issueTlsServer(ca, "print.acme.test", KeyType.RSA_2048, Duration.ofDays(397));
        X509Certificate leaf = chain.leaf();
        assertThat(chain.chain()).containsExactly(leaf, ca.issuing(), ca.root());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "print.acme.test"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA384WITHECDSA");
        assertThat(leaf.getSerialNumber().bitLength()).isBetween(150, 159);

        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX")
                .validate(
                        CertificateFactory.getInstance("X.509")
                                .generateCertPath(chain.chain().subList(0, 2)),
                        params);
    }

    @Test
    void anRsaRootSignsEcLeavesThroughItsEcIssuingCaAndRsaLeavesThroughItsRsaOne() throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Mixed", KeyType.RSA_2048, Duration.ofDays(3650));
        assertThat(ca.ecIssuing()).isNotEqualTo(ca.issuing());
        assertThat(ca.ecIssuing().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.ecIssuing().getSubjectX500Principal().getName()).isEqualTo("CN=Mixed EC Issuing CA,O=Mixed");
        assertThat(ca.caCertificates()).containsExactly(ca.issuing(), ca.ecIssuing(), ca.root());
        IssuedChain ec = issuer.issueTlsServer(ca, "ec.acme.test", KeyType.EC_P256, Duration.ofDays(90));
        IssuedChain rsa = issuer.issueTlsServer(ca, "rsa.acme.test", KeyType.RSA_2048, Duration.ofDays(90));
        assertThat(ec.chain()).containsExactly(ec.leaf(), ca.ecIssuing(), ca.root());
        assertThat(ec.leaf().getSigAlgName()).isEqualTo("SHA256WITHECDSA");
        assertThat(rsa.chain()).containsExactly(rsa.leaf(), ca.issuing(), ca.root());
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(NOW));
        for (IssuedChain chain : List.of(ec, rsa)) {
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509")
                                    .generateCertPath(chain.chain().subList(0, 2)),
                            params);
        }
        PlatformCa ecRoot = issuer.createPlatformCa("Ec", KeyType.EC_P256, Duration.ofDays(3650));
        assertThat(ecRoot.ecIssuing()).isEqualTo(ecRoot.issuing());
        assertThat(ecRoot.caCertificates()).containsExactly(ecRoot.issuing(), ecRoot.root());
    }

    @Test
    void aLeafNeverOutlivesItsIssuingCa() {
        PlatformCa ca = issuer.createPlatformCa("Short", KeyType.EC_P256, Duration.ofDays(100));
        IssuedChain chain = issuer.issueTlsServer(ca, "short.test", KeyType.EC_P256, Duration.ofDays(397));
        assertThat(chain.leaf().getNotAfter()).isBeforeOrEqualTo(ca.issuing().getNotAfter());
    }

    @Test
    void aCertificateForAKeyHeldElsewhereHasThePlatformsProfileItsNamesAndTheIssuingCaOfItsAlgorithm()
            throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Certdesk Test", KeyType.RSA_2048, Duration.ofDays(3650));
        java.security.KeyPair device = io.certdesk.pki.keys.KeyPairs.generate(KeyType.EC_P256, new SecureRandom());
        List<X509Certificate> chain = issuer.issueForKey(
                ca,
                device.getPublic(),
                List.of("print.acme.test", "ipp.acme.test"),
                DeviceProfile.TLS_SERVER_AND_CLIENT,
                Duration.ofDays(90));
        X509Certificate leaf = chain.get(0);
        assertThat(chain.get(1)).isEqualTo(ca.ecIssuing());
        assertThat(leaf.getPublicKey()).isEqualTo(device.getPublic());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=print.acme.test");
        assertThat(leaf.getSubjectAlternativeNames())
                .extracting(n -> (Object) n.get(1))
                .containsExactly("print.acme.test", "ipp.acme.test");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        leaf.verify(ca.ecIssuing().getPublicKey());
        assertThat(issuer.issueForKey(
                                ca,
                                io.certdesk.pki.keys.KeyPairs.generate(KeyType.RSA_2048, new SecureRandom())
                                        .getPublic(),
                                List.of("print.acme.test"),
                                DeviceProfile.TLS_CLIENT,
                                Duration.ofDays(90))
                        .get(1))
                .isEqualTo(ca.issuing());
    }

    @Test
    void certificatesIssuedFromManyThreadsAtOnceEachNameTheirOwnKeyAndTheirIssuersKey() throws Exception {
        PlatformCa ca = issuer.createPlatformCa("Threads", KeyType.EC_P256, Duration.ofDays(3650));
        List<java.security.KeyPair> keys = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> io.certdesk.pki.keys.KeyPairs.generate(KeyType.EC_P256, new SecureRandom()))
                .toList();
        var expected = new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils();
        byte[] issuerId = expected.createSubjectKeyIdentifier(
                        ca.issuingFor("EC").getPublicKey())
                .getKeyIdentifier();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<String>>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                java.security.KeyPair own = keys.get(t);
                byte[] ownId =
                        expected.createSubjectKeyIdentifier(own.getPublic()).getKeyIdentifier();
                runs.add(pool.submit(() -> {
                    List<String> wrong = new java.util.ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        X509Certificate leaf = issuer.issueForKey(
                                        ca,
                                        own.getPublic(),
                                        List.of("t" + i + ".threads.test"),
                                        DeviceProfile.TLS_SERVER,
                                        Duration.ofDays(30))
                                .get(0);
                        var holder = new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(leaf);
                        byte[] ski = org.bouncycastle.asn1.x509.SubjectKeyIdentifier.fromExtensions(
                                        holder.getExtensions())
                                .getKeyIdentifier();
                        byte[] aki = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.fromExtensions(
                                        holder.getExtensions())
                                .getKeyIdentifierOctets();
                        if (!java.util.Arrays.equals(ski, ownId) || !java.util.Arrays.equals(aki, issuerId)) {
                            wrong.add(leaf.getSerialNumber().toString(16));
                        }
                    }
                    return wrong;
                }));
            }
            for (var run : runs) {
                assertThat(run.get())
                        .as("certificates with another key's identifier")
                        .isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
