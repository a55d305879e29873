package io.certdesk.pki.revocation;

import io.certdesk.pki.Providers;
import io.certdesk.pki.keys.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Builds and signs a CA's CRL (RFC 5280 §5, v2): issuer and authority key identifier of the CA,
 * the CRL number given, this and next update, and per entry the serial, the revocation date and
 * the reason code (absent for {@code unspecified}, as §5.3.1 asks).
 *
 * <p>Entries are encoded once ({@link #encode}) and the list is written around them, so a CRL of
 * 100,000 entries costs copying their bytes, one SHA-256 over them and one signature: a caller
 * that keeps the encoded entries between CRLs adds only the new ones.
 */
public final class CrlSigner {
    private final SecureRandom random;

    public CrlSigner(SecureRandom random) {
        this.random = random;
    }

    /** One entry's DER (revokedCertificates' element), to keep for the next CRLs. */
    public static byte[] encode(RevokedEntry entry) {
        ASN1EncodableVector fields = new ASN1EncodableVector(3);
        fields.add(new ASN1Integer(entry.serial()));
        fields.add(new Time(Date.from(entry.revokedAt())));
        if (entry.reason().code() != 0) { // unspecified: no reason code
            fields.add(new Extensions(new Extension(
                    Extension.reasonCode,
                    false,
                    der(CRLReason.lookup(entry.reason().code())))));
        }
        return der(new DERSequence(fields));
    }

    /** The DER of the signed CRL with these entries. */
    public byte[] sign(
            X509Certificate ca,
            PrivateKey caKey,
            BigInteger crlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            Collection<RevokedEntry> entries) {
        List<byte[]> encoded = new ArrayList<>(entries.size());
        for (RevokedEntry entry : entries) {
            encoded.add(encode(entry));
        }
        return signEncoded(ca, caKey, crlNumber, thisUpdate, nextUpdate, encoded);
    }

    /** As {@link #sign}, with entries encoded by {@link #encode}. */
    public byte[] signEncoded(
            X509Certificate ca,
            PrivateKey caKey,
            BigInteger crlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            Collection<byte[]> entries) {
        try {
            String algorithm = KeyType.describing(ca.getPublicKey()).signatureAlgorithm();
            AlgorithmIdentifier signatureId = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 + entries.size() * 56);
            body.write(der(new ASN1Integer(1))); // v2
            body.write(der(signatureId));
            body.write(ca.getSubjectX500Principal().getEncoded());
            body.write(der(new Time(Date.from(thisUpdate))));
            body.write(der(new Time(Date.from(nextUpdate))));
            if (!entries.isEmpty()) { // RFC 5280 §5.1.2.6: absent when there are none
                long length = 0;
                for (byte[] entry : entries) {
                    length += entry.length;
                }
                writeHeader(body, 0x30, length);
                for (byte[] entry : entries) {
                    body.write(entry);
                }
            }
            Extensions extensions = new Extensions(new Extension[] {
                new Extension(
                        Extension.authorityKeyIdentifier,
                        false,
                        der(new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublicKey()))),
                new Extension(Extension.cRLNumber, false, der(new CRLNumber(crlNumber)))
            });
            body.write(der(new DERTaggedObject(true, 0, extensions)));
            byte[] tbs = sequence(body.toByteArray());

            Signature signer = Signature.getInstance(algorithm, Providers.BC);
            signer.initSign(caKey, random);
            signer.update(tbs);
            ByteArrayOutputStream list = new ByteArrayOutputStream(tbs.length + 128);
            list.write(tbs);
            list.write(der(signatureId));
            list.write(der(new DERBitString(signer.sign())));
            return sequence(list.toByteArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("signing a CRL failed", e);
        }
    }

    private static byte[] sequence(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        writeHeader(out, 0x30, content.length);
        out.write(content);
        return out.toByteArray();
    }

    /** A DER tag and definite length. */
    private static void writeHeader(ByteArrayOutputStream out, int tag, long length) {
        out.write(tag);
        if (length < 0x80) {
            out.write((int) length);
            return;
        }
        int bytes = (64 - Long.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (length >>> (8 * i)) & 0xff);
        }
    }

    private static byte[] der(org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
