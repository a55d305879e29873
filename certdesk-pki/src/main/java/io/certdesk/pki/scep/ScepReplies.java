package io.certdesk.pki.scep;

import io.certdesk.pki.codec.Pkcs7Codec;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The server's side of SCEP (RFC 8894): the CertRep answers, signed by the registration
 * authority with the request's own digest, the issued certificates enveloped to the requester
 * with its own content encryption; the CA certificates (GetCACert) and the capabilities (GetCACaps).
 */
public final class ScepReplies {
    /**
     * What this server does (RFC 8894 §3.5.2): POST for PKIOperation, SHA-256 and SHA-512 digests,
     * AES, RenewalReq, and the RFC's whole profile (SCEPStandard).
     */
    public static final List<String> CAPABILITIES =
            List.of("POSTPKIOperation", "SHA-256", "SHA-512", "AES", "Renewal", "SCEPStandard");

    private final ScepRa ra;
    private final SecureRandom random;
    private final Clock clock;

    public ScepReplies(ScepRa ra, SecureRandom random, Clock clock) {
        this.ra = ra;
        this.random = random;
        this.clock = clock;
    }

    /** The GetCACaps answer: one capability a line. */
    public static String capabilities() {
        return String.join("\n", CAPABILITIES) + "\n";
    }

    /**
     * The GetCACert answer when an RA answers for the CA (RFC 8894 §4.2.1.2): a certs-only
     * SignedData with the RA certificate, then the CA certificates given (issuing CA, root).
     */
    public static byte[] caCertificates(X509Certificate raCertificate, List<X509Certificate> cas) {
        List<X509Certificate> all = new java.util.ArrayList<>();
        all.add(raCertificate);
        all.addAll(cas);
        return Pkcs7Codec.writeCertificatesDer(all);
    }

    /** SUCCESS: {@code certificates} (the issued one first) in a certs-only SignedData enveloped to the requester. */
    public byte[] success(ScepPeer peer, List<X509Certificate> certificates) {
        byte[] certsOnly = Pkcs7Codec.writeCertificatesDer(certificates);
        byte[] enveloped = envelope(peer, certsOnly);
        return signed(peer, ScepStatus.SUCCESS, Optional.empty(), new CMSProcessableByteArray(enveloped));
    }

    /**
     * PENDING: the request waits for an admin; the client polls with CertPoll under the same
     * transaction ID. Without an envelope (RFC 8894 §3.3.2), but with an empty content rather than
     * none: OpenSSL's PKCS7_verify, which certmonger uses, refuses a SignedData without content.
     */
    public byte[] pending(ScepPeer peer) {
        return signed(peer, ScepStatus.PENDING, Optional.empty(), new CMSProcessableByteArray(new byte[0]));
    }

    /** FAILURE with {@code failure}, and {@code text} as the failInfoText a person can read. */
    public byte[] failure(ScepPeer peer, ScepFailure failure, String text) {
        return signed(
                peer,
                ScepStatus.FAILURE,
                Optional.of(new Failure(failure, text)),
                new CMSProcessableByteArray(new byte[0]));
    }

    private record Failure(ScepFailure failure, String text) {}

    private byte[] envelope(ScepPeer peer, byte[] content) {
        try {
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(peer.signer()));
            return generator
                    .generate(
                            new CMSProcessableByteArray(content),
                            new JceCMSContentEncryptorBuilder(peer.contentEncryption)
                                    .setSecureRandom(random)
                                    .build())
                    .getEncoded();
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("enveloping the SCEP answer failed", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the requester's key cannot receive an envelope", e);
        }
    }

    private byte[] signed(ScepPeer peer, ScepStatus status, Optional<Failure> failure, CMSTypedData content) {
        Hashtable<ASN1ObjectIdentifier, Attribute> table = new Hashtable<>();
        put(
                table,
                ScepAttributes.MESSAGE_TYPE,
                new DERPrintableString(Integer.toString(ScepMessageType.CERT_REP.value())));
        put(table, ScepAttributes.TRANSACTION_ID, new DERPrintableString(peer.transactionId()));
        put(table, ScepAttributes.PKI_STATUS, new DERPrintableString(Integer.toString(status.value())));
        failure.ifPresent(f -> {
            put(
                    table,
                    ScepAttributes.FAIL_INFO,
                    new DERPrintableString(Integer.toString(f.failure().value())));
            put(table, ScepAttributes.FAIL_INFO_TEXT, new DERUTF8String(f.text()));
        });
        byte[] nonce = new byte[ScepAttributes.NONCE_LENGTH];
        random.nextBytes(nonce);
        put(table, ScepAttributes.SENDER_NONCE, new DEROctetString(nonce));
        put(table, ScepAttributes.RECIPIENT_NONCE, new DEROctetString(peer.senderNonce()));
        put(table, CMSAttributes.signingTime, new Time(Date.from(clock.instant())));
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                            new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(table)))
                    .build(
                            new JcaContentSignerBuilder(ScepMessages.digestName(peer.digest) + "withRSA")
                                    .setSecureRandom(random)
                                    .build(ra.key()),
                            ra.certificate()));
            generator.addCertificates(new JcaCertStore(List.of(ra.certificate())));
            return generator.generate(content, true).getEncoded();
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("signing the SCEP answer failed", e);
        }
    }

    private static void put(
            Hashtable<ASN1ObjectIdentifier, Attribute> table, ASN1ObjectIdentifier oid, ASN1Encodable value) {
        table.put(oid, new Attribute(oid, new DERSet(value)));
    }
}
