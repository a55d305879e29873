package io.certdesk.pki.scep;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.Providers;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Reads the pkiMessage of a SCEP request (RFC 8894 §3): a CMS SignedData signed by the requester,
 * with the SCEP attributes, around an EnvelopedData encrypted to the registration authority,
 * around the request itself. What cannot be read as such a message at all is a
 * {@link PkiError#INVALID_SCEP_MESSAGE}; what can be read far enough to know whom to answer, but
 * is refused, is a {@link ScepRefusal}.
 */
public final class ScepMessages {
    /** A request is a few KiB (a PKCS#10, a self-signed certificate, RSA envelopes); past this it is not one. */
    public static final int MAX_BYTES = 64 * 1024;
    /** How far a request's signing time may be from the server's clock before it is refused with badTime. */
    public static final Duration CLOCK_SKEW = Duration.ofHours(24);

    /** The digests a request may be signed with; SHA-1 is still what clients fall back to when SHA-256 is not offered. */
    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA1",
            NISTObjectIdentifiers.id_sha256, "SHA256",
            NISTObjectIdentifiers.id_sha384, "SHA384",
            NISTObjectIdentifiers.id_sha512, "SHA512");

    /** The content encryptions taken: AES, and triple DES for devices that have nothing else (never single DES). */
    private static final List<ASN1ObjectIdentifier> ENCRYPTIONS = List.of(
            NISTObjectIdentifiers.id_aes128_CBC,
            NISTObjectIdentifiers.id_aes192_CBC,
            NISTObjectIdentifiers.id_aes256_CBC,
            PKCSObjectIdentifiers.des_EDE3_CBC);

    private ScepMessages() {}

    static String digestName(ASN1ObjectIdentifier digest) {
        return DIGESTS.get(digest);
    }

    /**
     * Reads a request whose envelope one of {@code ras} can open, checking its signature with the
     * certificate it carries and its signing time (when it has one) against {@code clock}.
     */
    public static ScepRequest read(byte[] message, List<ScepRa> ras, Clock clock) throws ScepRefusal {
        if (message == null || message.length == 0) {
            throw invalid("The SCEP message is empty.", null);
        }
        if (message.length > MAX_BYTES) {
            throw new PkiException(
                    PkiError.TOO_LARGE,
                    "The SCEP message is " + message.length + " bytes; at most " + MAX_BYTES + " are accepted.");
        }
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(message);
        } catch (CMSException | RuntimeException e) {
            throw invalid("The SCEP message is not a CMS SignedData (PKCS#7) in DER.", e);
        }
        try {
            return read(signed, ras, clock);
        } catch (PkiException | ScepRefusal e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid("The SCEP message cannot be read: its structure is damaged.", e);
        }
    }

    private static ScepRequest read(CMSSignedData signed, List<ScepRa> ras, Clock clock) throws ScepRefusal {
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw invalid("A SCEP message has one signer; this one has " + signers.size() + ".", null);
        }
        SignerInformation signer = signers.iterator().next();
        AttributeTable attributes = signer.getSignedAttributes();
        if (attributes == null) {
            throw invalid("The SCEP message has no signed attributes (messageType, transactionID, senderNonce).", null);
        }
        String typeNumber = printable(attributes, ScepAttributes.MESSAGE_TYPE, "messageType", 4);
        String transactionId = printable(
                attributes, ScepAttributes.TRANSACTION_ID, "transactionID", ScepAttributes.MAX_TRANSACTION_ID);
        byte[] nonce = octets(attributes, ScepAttributes.SENDER_NONCE, "senderNonce");
        X509Certificate signerCertificate = signerCertificate(signed, signer);
        ASN1ObjectIdentifier digest =
                signer.getDigestAlgOID() == null ? null : new ASN1ObjectIdentifier(signer.getDigestAlgOID());
        ScepPeer peer =
                new ScepPeer(transactionId, nonce, signerCertificate, digest, NISTObjectIdentifiers.id_aes128_CBC);
        if (!DIGESTS.containsKey(digest)) {
            throw new ScepRefusal(
                    peer.withDefaults(),
                    ScepFailure.BAD_ALG,
                    "The message is signed with digest " + digest + "; SHA-256, SHA-384, SHA-512 and SHA-1 are taken.");
        }
        if (!verifies(signer, signerCertificate)) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_MESSAGE_CHECK,
                    "The message's signature does not verify with the certificate it carries.");
        }
        if (!"RSA".equals(signerCertificate.getPublicKey().getAlgorithm())) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_ALG,
                    "The message is signed with a "
                            + signerCertificate.getPublicKey().getAlgorithm()
                            + " key; the answer is encrypted to that key, and SCEP here takes RSA keys.");
        }
        Optional<Instant> signingTime = signingTime(attributes);
        Instant now = clock.instant();
        if (signingTime.isPresent()
                && Duration.between(signingTime.get(), now).abs().compareTo(CLOCK_SKEW) > 0) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_TIME,
                    "The message was signed at " + signingTime.get() + ", more than " + CLOCK_SKEW.toHours()
                            + " hours from the server's time (" + now + "): set the device's clock.");
        }
        ScepMessageType type = ScepMessageType.of(typeNumber)
                .filter(t -> t != ScepMessageType.CERT_REP)
                .orElseThrow(() -> new ScepRefusal(
                        peer,
                        ScepFailure.BAD_REQUEST,
                        "messageType " + typeNumber + " is not a request SCEP defines."));
        if (!CMSObjectIdentifiers.data.equals(signed.getSignedContentType()) || signed.getSignedContent() == null) {
            throw new ScepRefusal(peer, ScepFailure.BAD_REQUEST, "The message holds no enveloped request.");
        }
        byte[] enveloped = (byte[]) signed.getSignedContent().getContent();
        CMSEnvelopedData envelope;
        try {
            envelope = new CMSEnvelopedData(enveloped);
        } catch (CMSException | RuntimeException e) {
            throw new ScepRefusal(
                    peer, ScepFailure.BAD_MESSAGE_CHECK, "The message's content is not a CMS EnvelopedData.");
        }
        ASN1ObjectIdentifier encryption = new ASN1ObjectIdentifier(envelope.getEncryptionAlgOID());
        if (!ENCRYPTIONS.contains(encryption)) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_ALG,
                    "The request is encrypted with " + encryption + "; AES (128, 192, 256) and triple DES are taken.");
        }
        ScepPeer answerTo = peer.withContentEncryption(encryption);
        byte[] content = open(envelope, ras, answerTo);
        return new ScepRequest(type, answerTo, signingTime, body(type, content, answerTo));
    }

    private static ScepRequest.Body body(ScepMessageType type, byte[] content, ScepPeer peer) throws ScepRefusal {
        try {
            return switch (type) {
                case PKCS_REQ, RENEWAL_REQ -> enrollment(content);
                case CERT_POLL -> {
                    ASN1Sequence sequence = ASN1Sequence.getInstance(content);
                    if (sequence.size() != 2) {
                        throw new IllegalArgumentException("IssuerAndSubject has two names");
                    }
                    yield new ScepRequest.Poll(principal(sequence.getObjectAt(0)), principal(sequence.getObjectAt(1)));
                }
                case GET_CERT, GET_CRL -> {
                    IssuerAndSerialNumber id = IssuerAndSerialNumber.getInstance(content);
                    yield new ScepRequest.CertificateQuery(
                            principal(id.getName()), id.getSerialNumber().getValue());
                }
                case CERT_REP -> throw new IllegalStateException("not a request");
            };
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_REQUEST,
                    "The enveloped content of a " + type + " message cannot be read as what that type holds.");
        }
    }

    private static ScepRequest.Enrollment enrollment(byte[] content) throws IOException {
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(content);
        Optional<String> password = Optional.empty();
        for (org.bouncycastle.asn1.pkcs.Attribute a :
                csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
            for (ASN1Encodable value : a.getAttrValues()) {
                if (value instanceof ASN1String text) {
                    password = Optional.of(text.getString());
                }
            }
        }
        return new ScepRequest.Enrollment(csr.getEncoded(), password);
    }

    private static X500Principal principal(ASN1Encodable name) throws IOException {
        return new X500Principal(X500Name.getInstance(name).getEncoded());
    }

    private static byte[] open(CMSEnvelopedData envelope, List<ScepRa> ras, ScepPeer peer) throws ScepRefusal {
        for (RecipientInformation recipient : envelope.getRecipientInfos().getRecipients()) {
            if (!(recipient instanceof KeyTransRecipientInformation)) {
                continue;
            }
            for (ScepRa ra : ras) {
                X509CertificateHolder holder;
                try {
                    holder = new X509CertificateHolder(ra.certificate().getEncoded());
                } catch (IOException | java.security.cert.CertificateEncodingException e) {
                    throw new IllegalStateException("the RA certificate does not encode", e);
                }
                if (recipient.getRID().match(holder)) {
                    try {
                        return recipient.getContent(new JceKeyTransEnvelopedRecipient(ra.key()));
                    } catch (CMSException | RuntimeException e) {
                        throw new ScepRefusal(
                                peer, ScepFailure.BAD_MESSAGE_CHECK, "The request's envelope does not open.");
                    }
                }
            }
        }
        throw new ScepRefusal(
                peer,
                ScepFailure.BAD_MESSAGE_CHECK,
                "The request is not encrypted to this server's RA certificate: fetch it again (GetCACert).");
    }

    private static boolean verifies(SignerInformation signer, X509Certificate certificate) {
        try {
            // by the key alone: a first request's self-signed certificate may carry any dates
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(Providers.BC)
                    .build(certificate.getPublicKey()));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            return false;
        }
    }

    private static X509Certificate signerCertificate(CMSSignedData signed, SignerInformation signer) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw invalid("The SCEP message does not carry the certificate it is signed with.", null);
        }
        try {
            return new JcaX509CertificateConverter()
                    .setProvider(Providers.BC)
                    .getCertificate(matches.iterator().next());
        } catch (CertificateException e) {
            throw invalid("The certificate the SCEP message is signed with cannot be read.", e);
        }
    }

    private static Optional<Instant> signingTime(AttributeTable attributes) {
        Attribute attribute = attributes.get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            return Optional.empty();
        }
        return Optional.of(Time.getInstance(attribute.getAttrValues().getObjectAt(0))
                .getDate()
                .toInstant());
    }

    private static String printable(AttributeTable attributes, ASN1ObjectIdentifier oid, String name, int maxLength) {
        ASN1Primitive value = single(attributes, oid, name);
        if (!(value instanceof ASN1String text)
                || text.getString().isEmpty()
                || text.getString().length() > maxLength) {
            throw invalid(
                    "The SCEP message's " + name + " is not a string of 1 to " + maxLength + " characters.", null);
        }
        return text.getString();
    }

    private static byte[] octets(AttributeTable attributes, ASN1ObjectIdentifier oid, String name) {
        ASN1Primitive value = single(attributes, oid, name);
        if (!(value instanceof ASN1OctetString octets) || octets.getOctets().length != ScepAttributes.NONCE_LENGTH) {
            throw invalid("The SCEP message's " + name + " is not " + ScepAttributes.NONCE_LENGTH + " octets.", null);
        }
        return octets.getOctets();
    }

    private static ASN1Primitive single(AttributeTable attributes, ASN1ObjectIdentifier oid, String name) {
        Attribute attribute = attributes.get(oid);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            throw invalid("The SCEP message has no " + name + " attribute.", null);
        }
        return attribute.getAttrValues().getObjectAt(0).toASN1Primitive();
    }

    private static PkiException invalid(String message, Throwable cause) {
        return new PkiException(PkiError.INVALID_SCEP_MESSAGE, message, cause);
    }
}
