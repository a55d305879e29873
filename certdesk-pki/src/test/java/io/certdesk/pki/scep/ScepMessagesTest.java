package io.certdesk.pki.scep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.pki.testing.TestCa;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class ScepMessagesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TestCa.Issued CA =
            TestCa.certificate("CN=Test SCEP CA").keyType(KeyType.RSA_2048).build();
    private static final TestCa.Issued RA_ISSUED = TestCa.certificate("CN=Test SCEP RA")
            .keyType(KeyType.RSA_2048)
            .issuedBy(CA)
            .endEntity()
            .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)))
            .build();
    private static final ScepRa RA = new ScepRa(RA_ISSUED.certificate(), RA_ISSUED.key());
    private static final KeyPair DEVICE = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
    private static final X509Certificate DEVICE_SELF = ScepClient.selfSigned(DEVICE, "printer-1.example.com");
    private final Clock clock = Clock.systemUTC();

    private ScepClient.Sent pkcsReq(ScepClient.Options options) {
        byte[] csr = ScepClient.csr(
                DEVICE, "printer-1.example.com", List.of("printer-1.example.com"), Optional.of("s3cret-otp"));
        return ScepClient.enrollment(
                19, csr, DEVICE_SELF, DEVICE.getPrivate(), RA.certificate(), ScepClient.transactionId(), options);
    }

    @Test
    void aDevicesPkcsReqIsReadWithItsPasswordAndCsrAndAnsweredWithTheCertificateEnvelopedToIt() throws Exception {
        ScepClient.Sent sent = pkcsReq(ScepClient.Options.standard());

        ScepRequest request = ScepMessages.read(sent.der(), List.of(RA), clock);

        assertThat(request.type()).isEqualTo(ScepMessageType.PKCS_REQ);
        assertThat(request.peer().transactionId()).isEqualTo(sent.transactionId());
        assertThat(request.peer().senderNonce()).isEqualTo(sent.senderNonce());
        assertThat(request.peer().signer()).isEqualTo(DEVICE_SELF);
        ScepRequest.Enrollment enrollment = (ScepRequest.Enrollment) request.body();
        assertThat(enrollment.challengePassword()).contains("s3cret-otp");
        assertThat(new org.bouncycastle.pkcs.PKCS10CertificationRequest(enrollment.csr())
                        .getSubject()
                        .toString())
                .isEqualTo("CN=printer-1.example.com");

        X509Certificate issued = TestCa.certificate("CN=printer-1.example.com")
                .keyPair(DEVICE)
                .issuedBy(CA)
                .endEntity()
                .build()
                .certificate();
        byte[] answer = new ScepReplies(RA, RANDOM, clock).success(request.peer(), List.of(issued, CA.certificate()));
        ScepClient.Reply reply = ScepClient.read(answer, RA.certificate(), DEVICE.getPrivate());
        assertThat(reply.status()).isEqualTo("0");
        assertThat(reply.transactionId()).isEqualTo(sent.transactionId());
        assertThat(reply.recipientNonce()).isEqualTo(sent.senderNonce());
        assertThat(reply.certificates()).contains(issued, CA.certificate());
    }

    @Test
    void aRequestInTripleDesWithSha1IsTakenAndAnsweredTheSameWay() throws Exception {
        ScepClient.Sent sent = pkcsReq(ScepClient.Options.standard()
                .encryptedWith(PKCSObjectIdentifiers.des_EDE3_CBC)
                .digest("SHA1"));

        ScepRequest request = ScepMessages.read(sent.der(), List.of(RA), clock);
        byte[] answer = new ScepReplies(RA, RANDOM, clock).success(request.peer(), List.of(CA.certificate()));

        var signed = new org.bouncycastle.cms.CMSSignedData(answer);
        assertThat(signed.getSignerInfos().getSigners().iterator().next().getDigestAlgOID())
                .isEqualTo(OIWObjectIdentifiers.idSHA1.getId());
        var envelope = new org.bouncycastle.cms.CMSEnvelopedData(
                (byte[]) signed.getSignedContent().getContent());
        assertThat(envelope.getEncryptionAlgOID()).isEqualTo(PKCSObjectIdentifiers.des_EDE3_CBC.getId());
        assertThat(ScepClient.read(answer, RA.certificate(), DEVICE.getPrivate())
                        .certificates())
                .containsExactly(CA.certificate());
    }

    @Test
    void singleDesIsRefusedWithBadAlg() {
        ScepClient.Sent sent = pkcsReq(ScepClient.Options.standard().encryptedWith(OIWObjectIdentifiers.desCBC));

        assertThatThrownBy(() -> ScepMessages.read(sent.der(), List.of(RA), clock))
                .isInstanceOfSatisfying(ScepRefusal.class, r -> {
                    assertThat(r.failure()).isEqualTo(ScepFailure.BAD_ALG);
                    assertThat(r.peer().transactionId()).isEqualTo(sent.transactionId());
                });
    }

    @Test
    void aMessageWhoseSignatureDoesNotVerifyIsRefusedWithBadMessageCheck() {
        KeyPair other = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
        byte[] csr = ScepClient.csr(DEVICE, "printer-1.example.com", List.of(), Optional.of("x"));
        // signed with another key than the certificate it carries
        byte[] tampered = ScepClient.enrollment(
                        19,
                        csr,
                        DEVICE_SELF,
                        other.getPrivate(),
                        RA.certificate(),
                        ScepClient.transactionId(),
                        ScepClient.Options.standard())
                .der();

        assertThatThrownBy(() -> ScepMessages.read(tampered, List.of(RA), clock))
                .isInstanceOfSatisfying(
                        ScepRefusal.class, r -> assertThat(r.failure()).isEqualTo(ScepFailure.BAD_MESSAGE_CHECK));
    }

    @Test
    void aMessageEncryptedToAnotherRaIsRefusedWithBadMessageCheck() {
        TestCa.Issued other = TestCa.certificate("CN=Another RA")
                .keyType(KeyType.RSA_2048)
                .issuedBy(CA)
                .endEntity()
                .build();
        byte[] csr = ScepClient.csr(DEVICE, "printer-1.example.com", List.of(), Optional.of("x"));
        ScepClient.Sent sent = ScepClient.enrollment(
                19,
                csr,
                DEVICE_SELF,
                DEVICE.getPrivate(),
                other.certificate(),
                ScepClient.transactionId(),
                ScepClient.Options.standard());

        assertThatThrownBy(() -> ScepMessages.read(sent.der(), List.of(RA), clock))
                .isInstanceOfSatisfying(ScepRefusal.class, r -> {
                    assertThat(r.failure()).isEqualTo(ScepFailure.BAD_MESSAGE_CHECK);
                    assertThat(r.getMessage()).contains("GetCACert");
                });
    }

    @Test
    void aMessageSignedTwoDaysAwayFromTheServersClockIsRefusedWithBadTime() {
        ScepClient.Sent sent =
                pkcsReq(ScepClient.Options.standard().signedAt(Instant.now().minus(Duration.ofDays(2))));

        assertThatThrownBy(() -> ScepMessages.read(sent.der(), List.of(RA), clock))
                .isInstanceOfSatisfying(
                        ScepRefusal.class, r -> assertThat(r.failure()).isEqualTo(ScepFailure.BAD_TIME));
    }

    @Test
    void aMessageWithoutSigningTimeIsTaken() throws Exception {
        ScepClient.Sent sent = pkcsReq(new ScepClient.Options(
                "SHA256", org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC, Optional.empty()));

        assertThat(ScepMessages.read(sent.der(), List.of(RA), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                        .signingTime())
                .isEmpty();
    }

    @Test
    void bytesThatAreNotCmsAreAnInvalidScepMessage() {
        assertThatThrownBy(() -> ScepMessages.read(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, List.of(RA), clock))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.INVALID_SCEP_MESSAGE));
        assertThatThrownBy(() -> ScepMessages.read(new byte[ScepMessages.MAX_BYTES + 1], List.of(RA), clock))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(PkiError.TOO_LARGE));
    }

    @Test
    void aPollNamesTheIssuerAndSubjectOfTheRequestAskedAbout() throws Exception {
        ScepClient.Sent sent = ScepClient.poll(
                new X500Name("CN=Test SCEP CA"),
                new X500Name("CN=printer-1.example.com"),
                DEVICE_SELF,
                DEVICE.getPrivate(),
                RA.certificate(),
                "tx-1");

        ScepRequest request = ScepMessages.read(sent.der(), List.of(RA), clock);

        assertThat(request.type()).isEqualTo(ScepMessageType.CERT_POLL);
        ScepRequest.Poll poll = (ScepRequest.Poll) request.body();
        assertThat(poll.subject().getName()).isEqualTo("CN=printer-1.example.com");
        assertThat(poll.issuer().getName()).isEqualTo("CN=Test SCEP CA");
    }

    @Test
    void aGetCertNamesIssuerAndSerial() throws Exception {
        ScepClient.Sent sent = ScepClient.getCert(
                new X500Name("CN=Test SCEP CA"),
                BigInteger.valueOf(4242),
                DEVICE_SELF,
                DEVICE.getPrivate(),
                RA.certificate());

        ScepRequest.CertificateQuery query = (ScepRequest.CertificateQuery)
                ScepMessages.read(sent.der(), List.of(RA), clock).body();

        assertThat(query.serial()).isEqualTo(BigInteger.valueOf(4242));
    }

    @Test
    void aFailureCarriesItsFailInfoAndTextAndAnEmptyContent() throws Exception {
        ScepClient.Sent sent = pkcsReq(ScepClient.Options.standard());
        ScepRequest request = ScepMessages.read(sent.der(), List.of(RA), clock);

        byte[] answer = new ScepReplies(RA, RANDOM, clock)
                .failure(request.peer(), ScepFailure.BAD_REQUEST, "The challenge password is wrong.");
        ScepClient.Reply reply = ScepClient.read(answer, RA.certificate(), DEVICE.getPrivate());

        assertThat(reply.status()).isEqualTo("2");
        assertThat(reply.failInfo()).contains("2");
        assertThat(reply.failInfoText()).contains("The challenge password is wrong.");
        assertThat(reply.certificates()).isEmpty();
        // no envelope, an empty content (OpenSSL's PKCS7_verify, which certmonger uses, refuses none)
        assertThat((byte[]) new org.bouncycastle.cms.CMSSignedData(answer)
                        .getSignedContent()
                        .getContent())
                .isEmpty();
    }

    @Test
    void pendingIsStatusThree() throws Exception {
        ScepRequest request =
                ScepMessages.read(pkcsReq(ScepClient.Options.standard()).der(), List.of(RA), clock);

        ScepClient.Reply reply = ScepClient.read(
                new ScepReplies(RA, RANDOM, clock).pending(request.peer()), RA.certificate(), DEVICE.getPrivate());

        assertThat(reply.status()).isEqualTo("3");
        assertThat(reply.failInfo()).isEmpty();
    }

    @Test
    void getCaCertPutsTheRaFirstThenTheCas() throws Exception {
        byte[] der = ScepReplies.caCertificates(RA.certificate(), List.of(CA.certificate()));

        var holders =
                new org.bouncycastle.cms.CMSSignedData(der).getCertificates().getMatches(null);
        assertThat(holders).hasSize(2);
        assertThat(new KeyUsage(0).getBytes()).isNotNull();
        assertThat(ScepReplies.capabilities()).contains("POSTPKIOperation\n", "SHA-256\n", "AES\n", "Renewal\n");
    }
}
