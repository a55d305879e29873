package io.certdesk.pki.codec;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** DER encoding and decoding of single X.509 certificates, and their SHA-256 fingerprints. */
public final class CertificateCodec {
    private CertificateCodec() {}

    public static byte[] encodeDer(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new PkiException(PkiError.INVALID_KEY_MATERIAL, "The certificate cannot be DER-encoded.", e);
        }
    }

    /** Reads one DER certificate. */
    public static X509Certificate decodeDer(byte[] der) {
        try {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new PkiException(PkiError.INVALID_KEY_MATERIAL, "The bytes are not a DER X.509 certificate.", e);
        }
    }

    /** Lower-case hex SHA-256 of the DER encoding. */
    public static String sha256Hex(X509Certificate certificate) {
        return sha256Hex(encodeDer(certificate));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
