package io.certdesk.pki.revocation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * A CA the responder answers for, with its CertID hashes (RFC 6960 §4.1.1: of its name and of
 * its public key) worked out once for each hash algorithm clients use, so telling whether a
 * request is about it costs two array comparisons.
 */
public final class OcspIssuer {
    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA-1",
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    private record Hashes(byte[] name, byte[] key) {}

    private final X509Certificate certificate;
    private final Map<ASN1ObjectIdentifier, Hashes> hashes;

    public OcspIssuer(X509Certificate certificate) {
        this.certificate = certificate;
        byte[] name = certificate.getSubjectX500Principal().getEncoded();
        byte[] key = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded())
                .getPublicKeyData()
                .getBytes();
        var all = new java.util.HashMap<ASN1ObjectIdentifier, Hashes>();
        DIGESTS.forEach((oid, algorithm) -> all.put(oid, new Hashes(digest(algorithm, name), digest(algorithm, key))));
        this.hashes = Map.copyOf(all);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CertID (SHA-1, as clients ask) of the certificate with {@code serial} this CA signed. */
    public CertificateID certificateId(java.math.BigInteger serial) {
        Hashes h = hashes.get(OIWObjectIdentifiers.idSHA1);
        return new CertificateID(new org.bouncycastle.asn1.ocsp.CertID(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        OIWObjectIdentifiers.idSHA1, org.bouncycastle.asn1.DERNull.INSTANCE),
                new org.bouncycastle.asn1.DEROctetString(h.name()),
                new org.bouncycastle.asn1.DEROctetString(h.key()),
                new org.bouncycastle.asn1.ASN1Integer(serial)));
    }

    /** Whether the CertID names this CA as the issuer. */
    public boolean issuerOf(CertificateID id) {
        Hashes h = hashes.get(id.getHashAlgOID());
        return h != null
                && Arrays.equals(h.name(), id.getIssuerNameHash())
                && Arrays.equals(h.key(), id.getIssuerKeyHash());
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
