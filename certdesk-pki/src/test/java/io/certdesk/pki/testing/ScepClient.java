package io.certdesk.pki.testing;

import io.certdesk.pki.Providers;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A SCEP client's side of the messages (RFC 8894), written for tests from the RFC with Bouncy
 * Castle's CMS: builds the pkiMessage a device sends (signed by its certificate, enveloped to the
 * RA) and reads the CertRep it gets back (the RA's signature checked, the envelope opened with
 * the device's key).
 */
public final class ScepClient {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ARC = "2.16.840.1.113733.1.9.";

    private ScepClient() {}

    /** How a request is made: its digest, its content encryption, its signing time. */
    public record Options(String digest, ASN1ObjectIdentifier encryption, Optional<Instant> signingTime) {
        public static Options standard() {
            return new Options("SHA256", NISTObjectIdentifiers.id_aes128_CBC, Optional.of(Instant.now()));
        }

        public Options signedAt(Instant at) {
            return new Options(digest, encryption, Optional.of(at));
        }

        public Options encryptedWith(ASN1ObjectIdentifier oid) {
            return new Options(digest, oid, signingTime);
        }

        public Options digest(String name) {
            return new Options(name, encryption, signingTime);
        }
    }

    /** A message sent: its DER, the transaction ID and nonce it carries. */
    public record Sent(byte[] der, String transactionId, byte[] senderNonce) {}

    /** PKCSReq (19) or RenewalReq (17) with {@code csr}, signed by {@code signer}/{@code signerKey}. */
    public static Sent enrollment(
            int messageType,
            byte[] csr,
            X509Certificate signer,
            PrivateKey signerKey,
            X509Certificate ra,
            String transactionId,
            Options options) {
        return message(messageType, csr, signer, signerKey, ra, transactionId, options);
    }

    /** CertPoll (20): IssuerAndSubject. */
    public static Sent poll(
            X500Name issuer,
            X500Name subject,
            X509Certificate signer,
            PrivateKey signerKey,
            X509Certificate ra,
            String transactionId) {
        byte[] content;
        try {
            content = new DERSequence(new ASN1Encodable[] {issuer, subject}).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return message(20, content, signer, signerKey, ra, transactionId, Options.standard());
    }

    /** GetCert (21): IssuerAndSerialNumber. */
    public static Sent getCert(
            X500Name issuer, BigInteger serial, X509Certificate signer, PrivateKey signerKey, X509Certificate ra) {
        byte[] content;
        try {
            content = new IssuerAndSerialNumber(issuer, serial).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return message(21, content, signer, signerKey, ra, transactionId(), Options.standard());
    }

    /** A fresh transaction ID, hex as certmonger makes them. */
    public static String transactionId() {
        byte[] id = new byte[20];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** A PKCS#10 for {@code keys}: CN {@code commonName}, the DNS names as subject alternative names, the challenge password. */
    public static byte[] csr(KeyPair keys, String commonName, List<String> dnsNames, Optional<String> password) {
        try {
            var builder = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=" + commonName), keys.getPublic());
            password.ifPresent(p -> builder.addAttribute(
                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                    new DERPrintableString(p)));
            if (!dnsNames.isEmpty()) {
                var extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
                extensions.addExtension(
                        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
                        false,
                        new org.bouncycastle.asn1.x509.GeneralNames(dnsNames.stream()
                                .map(n -> new org.bouncycastle.asn1.x509.GeneralName(
                                        org.bouncycastle.asn1.x509.GeneralName.dNSName, n))
                                .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
                builder.addAttribute(
                        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                        extensions.generate());
            }
            return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()))
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed RSA certificate for a device's own key, as a first request is signed with. */
    public static X509Certificate selfSigned(KeyPair keys, String commonName) {
        return TestCa.certificate("CN=" + commonName)
                .keyPair(keys)
                .endEntity()
                .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400))
                .build()
                .certificate();
    }

    private static Sent message(
            int type,
            byte[] content,
            X509Certificate signer,
            PrivateKey signerKey,
            X509Certificate ra,
            String transactionId,
            Options options) {
        try {
            CMSEnvelopedDataGenerator envelope = new CMSEnvelopedDataGenerator();
            envelope.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(ra));
            byte[] enveloped = envelope.generate(
                            new CMSProcessableByteArray(content),
                            new JceCMSContentEncryptorBuilder(options.encryption()).build())
                    .getEncoded();
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            Hashtable<ASN1ObjectIdentifier, Attribute> table = new Hashtable<>();
            put(table, new ASN1ObjectIdentifier(ARC + "2"), new DERPrintableString(Integer.toString(type)));
            put(table, new ASN1ObjectIdentifier(ARC + "7"), new DERPrintableString(transactionId));
            put(table, new ASN1ObjectIdentifier(ARC + "5"), new DEROctetString(nonce));
            options.signingTime().ifPresent(t -> put(table, CMSAttributes.signingTime, new Time(Date.from(t))));
            DefaultSignedAttributeTableGenerator standard =
                    new DefaultSignedAttributeTableGenerator(new AttributeTable(table));
            org.bouncycastle.cms.CMSAttributeTableGenerator attributes = parameters -> {
                AttributeTable all = standard.getAttributes(parameters);
                return options.signingTime().isPresent() ? all : all.remove(CMSAttributes.signingTime);
            };
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(
                    new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                            .setSignedAttributeGenerator(attributes)
                            .build(new JcaContentSignerBuilder(options.digest() + "withRSA").build(signerKey), signer));
            generator.addCertificates(new JcaCertStore(List.of(signer)));
            byte[] der = generator
                    .generate(new CMSProcessableByteArray(enveloped), true)
                    .getEncoded();
            return new Sent(der, transactionId, nonce);
        } catch (Exception e) {
            throw new IllegalStateException("building a SCEP message failed", e);
        }
    }

    private static void put(
            Hashtable<ASN1ObjectIdentifier, Attribute> table, ASN1ObjectIdentifier oid, ASN1Encodable v) {
        table.put(oid, new Attribute(oid, new DERSet(v)));
    }

    /**
     * The RA certificate in a GetCACert answer (a certs-only PKCS#7): the one that may encrypt
     * (keyEncipherment) and is no CA, as clients pick it.
     */
    public static X509Certificate registrationAuthority(byte[] getCaCert) {
        try {
            for (Object holder : new CMSSignedData(getCaCert).getCertificates().getMatches(null)) {
                X509Certificate c = new JcaX509CertificateConverter()
                        .setProvider(Providers.BC)
                        .getCertificate((X509CertificateHolder) holder);
                boolean[] usage = c.getKeyUsage();
                if (c.getBasicConstraints() < 0 && usage != null && usage[2]) {
                    return c;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading a GetCACert answer failed", e);
        }
        throw new IllegalStateException("no RA certificate in the GetCACert answer");
    }

    /** A CertRep as read by the client. */
    public record Reply(
            String status,
            Optional<String> failInfo,
            Optional<String> failInfoText,
            String transactionId,
            byte[] recipientNonce,
            X509Certificate signer,
            List<X509Certificate> certificates) {}

    /**
     * Reads a CertRep: checks it is signed by {@code ra} (RA certificate given, or any when null)
     * and opens its envelope with {@code key}.
     */
    public static Reply read(byte[] der, X509Certificate ra, PrivateKey key) {
        try {
            CMSSignedData signed = new CMSSignedData(der);
            SignerInformation signer =
                    signed.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> carried = signed.getCertificates().getMatches(signer.getSID());
            X509Certificate signerCertificate = new JcaX509CertificateConverter()
                    .setProvider(Providers.BC)
                    .getCertificate(carried.iterator().next());
            if (ra != null && !ra.equals(signerCertificate)) {
                throw new IllegalStateException("the answer is not signed by the RA");
            }
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(Providers.BC)
                    .build(signerCertificate))) {
                throw new IllegalStateException("the answer's signature does not verify");
            }
            AttributeTable attributes = signer.getSignedAttributes();
            String status = text(attributes, ARC + "3").orElseThrow();
            List<X509Certificate> certificates = new ArrayList<>();
            if (status.equals("0")) {
                CMSEnvelopedData envelope =
                        new CMSEnvelopedData((byte[]) signed.getSignedContent().getContent());
                RecipientInformation recipient =
                        envelope.getRecipientInfos().getRecipients().iterator().next();
                byte[] inner = recipient.getContent(new JceKeyTransEnvelopedRecipient(key));
                CMSSignedData certsOnly = new CMSSignedData(inner);
                for (Object holder : certsOnly.getCertificates().getMatches(null)) {
                    certificates.add(new JcaX509CertificateConverter()
                            .setProvider(Providers.BC)
                            .getCertificate((X509CertificateHolder) holder));
                }
            }
            return new Reply(
                    status,
                    text(attributes, ARC + "4"),
                    text(attributes, "1.3.6.1.5.5.7.24.1"),
                    text(attributes, ARC + "7").orElseThrow(),
                    ((ASN1OctetString) attributes
                                    .get(new ASN1ObjectIdentifier(ARC + "6"))
                                    .getAttrValues()
                                    .getObjectAt(0))
                            .getOctets(),
                    signerCertificate,
                    certificates);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("reading a SCEP answer failed", e);
        }
    }

    private static Optional<String> text(AttributeTable attributes, String oid) {
        Attribute a = attributes.get(new ASN1ObjectIdentifier(oid));
        return a == null
                ? Optional.empty()
                : Optional.of(((ASN1String) a.getAttrValues().getObjectAt(0)).getString());
    }
}
