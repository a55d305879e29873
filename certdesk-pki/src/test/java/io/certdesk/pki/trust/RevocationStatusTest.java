package io.certdesk.pki.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.testing.TestCa;
import io.certdesk.pki.trust.RevocationStatus.State;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/** OCSP answers and CRLs built here, signed by the issuer or by someone else. */
class RevocationStatusTest {
    private static final Instant NOW = TestCa.NOW;
    private static final TestCa.Issued CA = TestCa.certificate("CN=Revocation CA")
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(900)))
            .build();
    private static final TestCa.Issued LEAF = TestCa.certificate("CN=ldap.acme.test")
            .issuedBy(CA)
            .endEntity()
            .dns("ldap.acme.test")
            .ocsp("http://ocsp.acme.test/")
            .crl("http://crl.acme.test/ca.crl")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
            .build();

    private static byte[] ocspAnswer(CertificateStatus status, TestCa.Issued signer, Instant thisUpdate)
            throws Exception {
        OCSPReq request = new OCSPReq(RevocationStatus.ocspRequest(LEAF.certificate(), CA.certificate()));
        CertificateID id = request.getRequestList()[0].getCertID();
        BasicOCSPRespBuilder builder =
                new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(signer.certificate()).getSubject()));
        builder.addResponse(id, status, Date.from(thisUpdate), Date.from(thisUpdate.plus(Duration.ofDays(1))));
        var basic = builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key()), null, Date.from(thisUpdate));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    @Test
    void theUrlsAreReadFromTheCertificate() {
        assertThat(RevocationStatus.ocspUrls(LEAF.certificate())).containsExactly("http://ocsp.acme.test/");
        assertThat(RevocationStatus.crlUrls(LEAF.certificate())).containsExactly("http://crl.acme.test/ca.crl");
        assertThat(RevocationStatus.ocspUrls(CA.certificate())).isEmpty();
    }

    @Test
    void anOcspAnswerSignedByTheIssuerSaysGoodOrRevoked() throws Exception {
        assertThat(RevocationStatus.ocspStatus(
                                ocspAnswer(CertificateStatus.GOOD, CA, NOW), LEAF.certificate(), CA.certificate(), NOW)
                        .state())
                .isEqualTo(State.GOOD);
        var revoked = RevocationStatus.ocspStatus(
                ocspAnswer(
                        new RevokedStatus(Date.from(NOW.minus(Duration.ofHours(2))), CRLReason.keyCompromise), CA, NOW),
                LEAF.certificate(),
                CA.certificate(),
                NOW);
        assertThat(revoked.state()).isEqualTo(State.REVOKED);
        assertThat(revoked.detail()).contains("key compromise");
    }

    @Test
    void anOcspAnswerSignedBySomeoneElseOrStaleIsUnknown() throws Exception {
        var stranger = TestCa.certificate("CN=Stranger").build();
        assertThat(RevocationStatus.ocspStatus(
                                ocspAnswer(new RevokedStatus(Date.from(NOW), CRLReason.keyCompromise), stranger, NOW),
                                LEAF.certificate(),
                                CA.certificate(),
                                NOW)
                        .state())
                .isEqualTo(State.UNKNOWN);
        assertThat(RevocationStatus.ocspStatus(
                                ocspAnswer(CertificateStatus.GOOD, CA, NOW.minus(Duration.ofDays(5))),
                                LEAF.certificate(),
                                CA.certificate(),
                                NOW)
                        .detail())
                .contains("out of date");
        assertThat(RevocationStatus.ocspStatus(new byte[] {1, 2, 3}, LEAF.certificate(), CA.certificate(), NOW)
                        .state())
                .isEqualTo(State.UNKNOWN);
        assertThat(RevocationStatus.ocspStatus(
                                new OCSPRespBuilder()
                                        .build(OCSPRespBuilder.TRY_LATER, null)
                                        .getEncoded(),
                                LEAF.certificate(),
                                CA.certificate(),
                                NOW)
                        .state())
                .isEqualTo(State.UNKNOWN);
    }

    private static byte[] crl(TestCa.Issued signer, BigInteger revokedSerial, Instant nextUpdate) throws Exception {
        var builder = new X509v2CRLBuilder(
                new JcaX509CertificateHolder(CA.certificate()).getSubject(), Date.from(NOW.minus(Duration.ofHours(1))));
        builder.setNextUpdate(Date.from(nextUpdate));
        if (revokedSerial != null) {
            builder.addCRLEntry(revokedSerial, Date.from(NOW.minus(Duration.ofHours(3))), CRLReason.superseded);
        }
        var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.key()));
        return new JcaX509CRLConverter().getCRL(holder).getEncoded();
    }

    @Test
    void aCrlSaysWhetherTheSerialIsListed() throws Exception {
        var listed = RevocationStatus.crlStatus(
                crl(CA, LEAF.certificate().getSerialNumber(), NOW.plus(Duration.ofDays(7))),
                LEAF.certificate(),
                CA.certificate(),
                NOW);
        assertThat(listed.state()).isEqualTo(State.REVOKED);
        assertThat(listed.detail()).contains("superseded");
        assertThat(RevocationStatus.crlStatus(
                                crl(CA, BigInteger.TEN, NOW.plus(Duration.ofDays(7))),
                                LEAF.certificate(),
                                CA.certificate(),
                                NOW)
                        .state())
                .isEqualTo(State.GOOD);
    }

    @Test
    void aCrlThatIsStaleOrNotSignedByTheIssuerIsUnknown() throws Exception {
        var forger = TestCa.certificate("CN=Revocation CA").build(); // same name, another key
        assertThat(RevocationStatus.crlStatus(
                                crl(forger, BigInteger.TEN, NOW.plus(Duration.ofDays(7))),
                                LEAF.certificate(),
                                CA.certificate(),
                                NOW)
                        .state())
                .isEqualTo(State.UNKNOWN);
        assertThat(RevocationStatus.crlStatus(
                                crl(CA, null, NOW.minus(Duration.ofDays(2))), LEAF.certificate(), CA.certificate(), NOW)
                        .detail())
                .contains("out of date");
    }

    @Test
    void theRequestNamesTheCertificateByItsIssuerAndSerial() throws Exception {
        OCSPReq request = new OCSPReq(RevocationStatus.ocspRequest(LEAF.certificate(), CA.certificate()));
        CertificateID id = request.getRequestList()[0].getCertID();
        assertThat(id.getSerialNumber()).isEqualTo(LEAF.certificate().getSerialNumber());
        assertThat(id.matchesIssuer(
                        new JcaX509CertificateHolder(CA.certificate()),
                        new JcaDigestCalculatorProviderBuilder().build()))
                .isTrue();
    }
}
