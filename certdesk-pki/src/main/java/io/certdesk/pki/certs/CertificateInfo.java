package io.certdesk.pki.certs;

import io.certdesk.pki.codec.CertificateCodec;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;

/**
 * What a person wants to know about a certificate, read from it once.
 *
 * @param serialNumber lower-case hex without leading zeros or separators
 * @param keySize      RSA modulus bits, EC field bits, 255/448 for EdDSA
 */
public record CertificateInfo(
        String subject,
        String issuer,
        String serialNumber,
        Instant notBefore,
        Instant notAfter,
        String sha256,
        boolean isCa,
        String keyAlgorithm,
        int keySize,
        String signatureAlgorithm,
        boolean selfSigned) {

    public static CertificateInfo of(X509Certificate certificate) {
        boolean selfSigned = isSelfSigned(certificate);
        return new CertificateInfo(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getSerialNumber().toString(16),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                CertificateCodec.sha256Hex(certificate),
                isCa(certificate, selfSigned),
                keyAlgorithm(certificate.getPublicKey()),
                keySize(certificate.getPublicKey()),
                certificate.getSigAlgName(),
                selfSigned);
    }

    /**
     * A CA: basicConstraints cA=true, or an X.509 v1 self-signed certificate (old roots have no
     * extensions at all, and RFC 5280 lets them be trust anchors).
     */
    static boolean isCa(X509Certificate certificate, boolean selfSigned) {
        return certificate.getBasicConstraints() >= 0 || (certificate.getVersion() == 1 && selfSigned);
    }

    /** Subject equals issuer and the certificate's own key verifies its signature. */
    public static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            Signatures.verify(certificate, certificate.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static String keyAlgorithm(PublicKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "RSA";
            case "EC", "ECDSA" -> "EC";
            case "Ed25519", "EdDSA" -> key.getEncoded().length > 50 ? "Ed448" : "Ed25519";
            case "Ed448" -> "Ed448";
            default -> key.getAlgorithm();
        };
    }

    static int keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return switch (keyAlgorithm(key)) {
            case "Ed25519" -> 255;
            case "Ed448" -> 448;
            default -> 0;
        };
    }
}
