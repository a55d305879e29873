package io.certdesk.pki.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

class RevocationSigningTest {
    private static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");
    private static final PkiLocations AT = new PkiLocations("http://pki.certdesk.test:8080");
    private final SecureRandom random = new SecureRandom();
    private final CertificateIssuer issuer =
            new CertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC), random, Optional.of(AT));
    private final PlatformCa ca = issuer.createPlatformCa("Certdesk Test", KeyType.EC_P256, Duration.ofDays(3650));

    @Test
    void aCrlNamesItsNumberIssuerAndEachEntryWithItsReasonAndVerifiesWithTheCaKey() throws Exception {
        List<RevokedEntry> entries = List.of(
                new RevokedEntry(BigInteger.valueOf(0x1234), NOW.minusSeconds(60), RevocationReason.KEY_COMPROMISE),
                new RevokedEntry(BigInteger.valueOf(0x99), NOW.minusSeconds(30), RevocationReason.UNSPECIFIED));
        byte[] der = new CrlSigner(random)
                .sign(ca.issuing(), ca.issuingKey(), BigInteger.valueOf(7), NOW, NOW.plus(Duration.ofDays(7)), entries);
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        crl.verify(ca.issuing().getPublicKey());
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.issuing().getSubjectX500Principal());
        assertThat(org.bouncycastle.asn1.ASN1Integer.getInstance(
                                DEROctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId()))
                                        .getOctets())
                        .getValue())
                .isEqualTo(7);
        assertThat(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                .isNotNull();
        X509CRLEntry compromised = crl.getRevokedCertificate(BigInteger.valueOf(0x1234));
        assertThat(compromised.getRevocationReason()).hasToString("KEY_COMPROMISE");
        assertThat(compromised.getRevocationDate().toInstant()).isEqualTo(NOW.minusSeconds(60));
        assertThat(crl.getRevokedCertificate(BigInteger.valueOf(0x99)).getRevocationReason())
                .as("unspecified is said by leaving the reason out")
                .isNull();
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(7)));
    }

    @Test
    void certificatesBelowTheRootNameTheOcspResponderTheirIssuersCertificateAndItsCrl() {
        IssuedChain leaf = issuer.issueTlsServer(ca, "print.acme.test", KeyType.EC_P256, Duration.ofDays(90));
        String crl = AT.crl(ca.issuing());
        assertThat(crl).startsWith("http://pki.certdesk.test:8080/pki/crl/").endsWith(".crl");
        assertThat(new String(
                        leaf.leaf().getExtensionValue(Extension.cRLDistributionPoints.getId()),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains(crl);
        assertThat(new String(
                        leaf.leaf().getExtensionValue(Extension.authorityInfoAccess.getId()),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains(AT.ocsp())
                .contains(AT.caCertificate(ca.issuing()));
        assertThat(new String(
                        ca.issuing().getExtensionValue(Extension.cRLDistributionPoints.getId()),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("an issuing CA is on the root's CRL")
                .contains(AT.crl(ca.root()));
        assertThat(ca.root().getExtensionValue(Extension.authorityInfoAccess.getId()))
                .isNull();
    }

    @Test
    void aDelegatedResponderAnswersGoodRevokedAndUnknownWithTheNonceAndItsCertificate() throws Exception {
        IssuedChain responder = issuer.issueOcspResponder(ca.issuing(), ca.issuingKey());
        X509Certificate responderCert = responder.leaf();
        assertThat(responderCert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.9");
        assertThat(responderCert.getExtensionValue(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId()))
                .isNotNull();
        responderCert.verify(ca.issuing().getPublicKey());

        IssuedChain leaf = issuer.issueTlsServer(ca, "print.acme.test", KeyType.EC_P256, Duration.ofDays(90));
        var digests = new JcaDigestCalculatorProviderBuilder().build();
        X509CertificateHolder issuing = new X509CertificateHolder(ca.issuing().getEncoded());
        CertificateID good = new CertificateID(
                digests.get(CertificateID.HASH_SHA1), issuing, leaf.leaf().getSerialNumber());
        CertificateID revoked = new CertificateID(digests.get(CertificateID.HASH_SHA1), issuing, BigInteger.TEN);
        CertificateID unknown = new CertificateID(digests.get(CertificateID.HASH_SHA1), issuing, BigInteger.TWO);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        byte[] request = new OCSPReqBuilder()
                .addRequest(good)
                .addRequest(revoked)
                .addRequest(unknown)
                .setRequestExtensions(new org.bouncycastle.asn1.x509.Extensions(new Extension(
                        OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce).getEncoded())))
                .build()
                .getEncoded();

        OcspQuery query = OcspQuery.parse(request);
        OcspIssuer asked = new OcspIssuer(ca.issuing());
        assertThat(query.certificates()).allMatch(asked::issuerOf);
        assertThat(new OcspIssuer(ca.root()).issuerOf(query.certificates().get(0)))
                .isFalse();
        Instant next = NOW.plus(Duration.ofHours(12));
        byte[] der = new OcspResponses(responderCert, responder.privateKey(), random)
                .sign(
                        List.of(
                                new OcspResponses.Answer(query.certificates().get(0), CertStatus.GOOD, NOW, next),
                                new OcspResponses.Answer(
                                        query.certificates().get(1),
                                        new CertStatus.Revoked(NOW.minusSeconds(5), RevocationReason.SUPERSEDED),
                                        NOW,
                                        next),
                                new OcspResponses.Answer(query.certificates().get(2), CertStatus.UNKNOWN, NOW, next)),
                        NOW,
                        query.nonce());

        OCSPResp response = new OCSPResp(der);
        assertThat(response.getStatus()).isZero();
        BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
        assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responderCert)))
                .isTrue();
        assertThat(basic.getCerts()).hasSize(1);
        assertThat(DEROctetString.getInstance(basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)
                                .getExtnValue()
                                .getOctets())
                        .getOctets())
                .isEqualTo(nonce);
        var single = basic.getResponses();
        assertThat(single[0].getCertStatus()).isNull(); // good
        assertThat(single[1].getCertStatus()).isInstanceOf(RevokedStatus.class);
        assertThat(((RevokedStatus) single[1].getCertStatus()).getRevocationReason())
                .isEqualTo(RevocationReason.SUPERSEDED.code());
        assertThat(single[2].getCertStatus()).isInstanceOf(UnknownStatus.class);
        assertThat(single[0].getNextUpdate().toInstant()).isEqualTo(next);
    }

    @Test
    void whatIsNotAnOcspRequestOrHasAnOversizedNonceIsMalformed() throws Exception {
        assertThatThrownBy(() -> OcspQuery.parse("GET / HTTP/1.1".getBytes()))
                .isInstanceOfSatisfying(
                        OcspRefusal.class, e -> assertThat(e.status()).isEqualTo(OcspRefusal.Status.MALFORMED_REQUEST));
        var digests = new JcaDigestCalculatorProviderBuilder().build();
        CertificateID id = new CertificateID(
                digests.get(CertificateID.HASH_SHA1),
                new X509CertificateHolder(ca.issuing().getEncoded()),
                BigInteger.ONE);
        byte[] big = new OCSPReqBuilder()
                .addRequest(id)
                .setRequestExtensions(new org.bouncycastle.asn1.x509.Extensions(new Extension(
                        OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                        false,
                        new DEROctetString(new byte[33]).getEncoded())))
                .build()
                .getEncoded();
        assertThatThrownBy(() -> OcspQuery.parse(big))
                .isInstanceOfSatisfying(
                        OcspRefusal.class, e -> assertThat(e.getMessage()).contains("RFC 8954"));
        assertThat(new OCSPResp(OcspResponses.refusal(OcspRefusal.Status.UNAUTHORIZED)).getStatus())
                .isEqualTo(6);
    }
}
