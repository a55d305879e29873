package io.certdesk.server.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.Providers;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.certs.Signatures;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.server.tls.TlsEngine;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Device requests and issued certificates are the same whether BoringSSL or Bouncy Castle does the signatures. */
class NativeSignaturesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    static Stream<Arguments> keyTypesOnBothProviders() {
        Optional<Provider> native_ = TlsEngine.nativeProvider();
        if (Boolean.parseBoolean(System.getenv("CI"))) {
            assertThat(native_).as("BoringSSL (Conscrypt) loads in CI").isPresent();
        }
        List<Optional<Provider>> providers =
                native_.isPresent() ? List.of(Optional.empty(), native_) : List.of(Optional.empty());
        return Stream.of(KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_2048, KeyType.ED25519)
                .flatMap(k -> providers.stream().map(p -> Arguments.of(k, p)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("keyTypesOnBothProviders")
    void aDeviceRequestVerifiesAndATamperedSignatureIsRefused(KeyType keyType, Optional<Provider> signatures) {
        KeyPair keys = KeyPairs.generate(keyType, RANDOM);
        byte[] csr = Pkcs10.build(keys, keyType, List.of("printer.example.test"));

        assertThat(Pkcs10.readPkcs10(csr, signatures).dnsNames()).containsExactly("printer.example.test");

        byte[] tampered = csr.clone();
        tampered[tampered.length - 3] ^= 0x01; // inside the signature
        assertThatThrownBy(() -> Pkcs10.readPkcs10(tampered, signatures))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.CSR_SIGNATURE_INVALID));
    }

    @ParameterizedTest(name = "{0} CA on {1}")
    @MethodSource("keyTypesOnBothProviders")
    void aCertificateIssuedForADevicesKeyVerifiesWithTheIssuingCasKey(KeyType caType, Optional<Provider> signatures)
            throws Exception {
        if (caType == KeyType.ED25519) {
            return; // the platform CA is EC or RSA
        }
        CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC(), RANDOM, Optional.empty(), signatures);
        PlatformCa ca = issuer.createPlatformCa("Native Test", caType, Duration.ofDays(365));
        KeyPair device = KeyPairs.generate(KeyType.EC_P256, RANDOM);

        List<X509Certificate> chain = issuer.issueForKey(
                ca, device.getPublic(), List.of("printer.example.test"), DeviceProfile.TLS_SERVER, Duration.ofDays(30));

        chain.get(0).verify(chain.get(1).getPublicKey());
        chain.get(1).verify(ca.root().getPublicKey());
        assertThat(chain.get(0).getSubjectAlternativeNames()).hasSize(1);
    }

    static Stream<Arguments> curvesOnBothVerifiers() {
        Provider first = TlsEngine.nativeProvider().orElse(Providers.BC);
        return Stream.of("secp256r1", "secp384r1", "secp521r1", "brainpoolP256r1")
                .flatMap(curve -> Stream.of(Arguments.of(curve, Providers.BC), Arguments.of(curve, first)));
    }

    @ParameterizedTest(name = "{0} verified by {1}")
    @MethodSource("curvesOnBothVerifiers")
    void anEcCertificateVerifiesWithItsIssuersKeyOnlyAndTheSameOnEitherVerifier(String curve, Provider first)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.BC);
        generator.initialize(new ECGenParameterSpec(curve), RANDOM);
        KeyPair issuer = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + curve + " root");
        Instant now = Instant.now();
        X509Certificate root = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                name,
                                BigInteger.ONE,
                                Date.from(now),
                                Date.from(now.plusSeconds(3600)),
                                name,
                                issuer.getPublic())
                        .build(new JcaContentSignerBuilder(
                                        curve.equals("secp256r1") ? "SHA256withECDSA" : "SHA384withECDSA")
                                .setProvider(Providers.BC)
                                .build(issuer.getPrivate())));

        Signatures.verify(root, issuer.getPublic(), first);
        assertThat(CertificateInfo.isSelfSigned(root)).isTrue();
        assertThatThrownBy(() -> Signatures.verify(root, other.getPublic(), first))
                .isInstanceOf(SignatureException.class);
        byte[] der = root.getEncoded();
        der[der.length - 5] ^= 0x01; // inside the signature value
        X509Certificate tampered = CertificateCodec.decodeDer(der);
        assertThatThrownBy(() -> Signatures.verify(tampered, issuer.getPublic(), first))
                .isInstanceOf(SignatureException.class);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("keyTypesOnBothProviders")
    void aKeyPairMadeOnEitherProviderIsHandedBackAsAJavaKeyOfItsSizeWhoseHalvesMatch(
            KeyType type, Optional<Provider> provider) throws Exception {
        KeyPair keys = KeyPairs.generate(type, RANDOM, provider);

        assertThat(keys.getPrivate().getClass().getName()).doesNotStartWith("org.conscrypt");
        assertThat(keys.getPrivate().getEncoded())
                .isEqualTo(KeyPairs.decodePkcs8Der(KeyPairs.encodePkcs8Der(keys.getPrivate()), type.algorithm())
                        .getEncoded());
        if (type.algorithm().equals("RSA")) {
            assertThat(((java.security.interfaces.RSAPublicKey) keys.getPublic())
                            .getModulus()
                            .bitLength())
                    .isEqualTo(type.bits());
        }
        byte[] csr = Pkcs10.build(keys, type, List.of("printer.example.test"));
        assertThat(Pkcs10.readPkcs10(csr, Optional.empty()).dnsNames()).containsExactly("printer.example.test");
    }
}
