package io.certdesk.pki.codec;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** Writes certificates as PEM text (RFC 7468), lines of 64 characters, LF line ends. */
public final class PemCodec {
    private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private PemCodec() {}

    public static String writeCertificatePem(X509Certificate certificate) {
        return writePem("CERTIFICATE", CertificateCodec.encodeDer(certificate));
    }

    /** The certificates one after another, in the order given (a chain: leaf first). */
    public static String writeCertificatesPem(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            out.append(writeCertificatePem(certificate));
        }
        return out.toString();
    }

    static String writePem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + MIME.encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
