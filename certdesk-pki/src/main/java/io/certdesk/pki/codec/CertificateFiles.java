package io.certdesk.pki.codec;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;

/**
 * Reads the certificates out of a file an admin exported from anywhere: PEM (any number of
 * blocks, text around them, CRLF, {@code TRUSTED CERTIFICATE} armor, PKCS#7 blocks), a single
 * DER certificate, or a PKCS#7 (.p7b) bundle in DER. A file that holds any private key, a
 * PKCS#12 store, or nothing readable is refused with a typed {@link PkiException}.
 *
 * <p>Time and memory are linear in the input: at most {@link #MAX_FILE_BYTES} bytes and
 * {@link #MAX_CERTIFICATES} certificates are read.
 */
public final class CertificateFiles {
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    public static final int MAX_CERTIFICATES = 500;
    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";

    private CertificateFiles() {}

    /** The certificates in the file, in file order, duplicates included. */
    public static List<X509Certificate> readCertificates(byte[] file) {
        try {
            return read(file);
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            // Malformed input can trip a parser anywhere; it is still the file that is at fault.
            throw invalid("The file cannot be read: its structure is damaged.", e);
        }
    }

    private static List<X509Certificate> read(byte[] file) {
        if (file == null || file.length == 0) {
            throw invalid("The file is empty.");
        }
        if (file.length > MAX_FILE_BYTES) {
            throw new PkiException(
                    PkiError.TOO_LARGE,
                    "The file is " + file.length + " bytes; at most " + MAX_FILE_BYTES
                            + " bytes (1 MiB) are accepted.");
        }
        String text = new String(file, StandardCharsets.ISO_8859_1);
        List<X509Certificate> out = new ArrayList<>();
        if (text.contains(BEGIN)) {
            readPem(text, out);
        } else {
            readDer(file, out, "The file");
        }
        if (out.isEmpty()) {
            throw invalid(
                    "No certificate was found in the file. Expected PEM ('-----BEGIN CERTIFICATE-----'), DER or PKCS#7 (.p7b).");
        }
        return out;
    }

    private static void readPem(String text, List<X509Certificate> out) {
        int at = 0;
        int block = 0;
        while ((at = text.indexOf(BEGIN, at)) >= 0) {
            block++;
            int labelStart = at + BEGIN.length();
            int labelEnd = text.indexOf(DASHES, labelStart);
            if (labelEnd < 0
                    || labelEnd - labelStart > 64
                    || text.substring(labelStart, labelEnd).contains("\n")) {
                throw invalid("PEM block " + block + " has a broken BEGIN line.");
            }
            String label = text.substring(labelStart, labelEnd).trim().toUpperCase(Locale.ROOT);
            String end = "-----END " + text.substring(labelStart, labelEnd) + DASHES;
            int bodyStart = labelEnd + DASHES.length();
            int bodyEnd = text.indexOf(end, bodyStart);
            if (bodyEnd < 0) {
                throw invalid("PEM block " + block + " (" + abbreviate(label) + ") has no matching END line.");
            }
            at = bodyEnd + end.length();
            if (label.contains("PRIVATE KEY")) {
                throw privateKey("a '" + abbreviate(label) + "' PEM block");
            }
            switch (label) {
                case "CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE", "TRUSTED CERTIFICATE" ->
                    readDer(base64(text.substring(bodyStart, bodyEnd), block), out, "PEM block " + block);
                case "PKCS7", "PKCS #7 SIGNED DATA", "CMS" ->
                    readDer(base64(text.substring(bodyStart, bodyEnd), block), out, "PEM block " + block);
                default -> {
                    // CRLs, public keys, requests and parameters are not certificates: they are passed over.
                }
            }
        }
    }

    /** Reads one DER object: a certificate, or a PKCS#7 bundle; anything else is refused. */
    private static void readDer(byte[] der, List<X509Certificate> out, String where) {
        ASN1Primitive object;
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            object = in.readObject();
            // OpenSSL's TRUSTED CERTIFICATE puts trust settings after the certificate; other trailing data is ignored
            // alike.
        } catch (IOException | RuntimeException e) {
            throw invalid(where + " is not DER-encoded ASN.1, nor PEM text.", e);
        }
        if (!(object instanceof ASN1Sequence sequence) || sequence.size() == 0) {
            throw invalid(where + " is not a certificate, PEM text or a PKCS#7 bundle.");
        }
        classify(sequence, where);
        ASN1Encodable first = sequence.getObjectAt(0);
        if (first instanceof ASN1ObjectIdentifier) {
            readPkcs7(sequence, out, where);
            return;
        }
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(Certificate.getInstance(sequence));
        } catch (RuntimeException e) {
            throw invalid(where + " is ASN.1 but not an X.509 certificate.", e);
        }
        add(holder, out, where);
    }

    /** Refuses the structures that are not certificates but are often sent instead of them. */
    private static void classify(ASN1Sequence sequence, String where) {
        ASN1Encodable first = sequence.getObjectAt(0);
        if (first instanceof ASN1Integer version) {
            int size = sequence.size();
            ASN1Encodable second = size > 1 ? sequence.getObjectAt(1) : null;
            if (size == 3 && version.hasValue(3) && second instanceof ASN1Sequence) {
                throw invalid(
                        where + " is a PKCS#12 (.pfx/.p12) key store. It holds a private key chain: import it under "
                                + "Private certificate chains, or export only the CA certificates as PEM or DER.");
            }
            if (size >= 3
                    && second instanceof ASN1Sequence alg
                    && isAlgorithmIdentifier(alg)
                    && sequence.getObjectAt(2) instanceof ASN1OctetString) {
                throw privateKey(where + " (a PKCS#8 private key)");
            }
            if (size == 9 && allIntegers(sequence)) {
                throw privateKey(where + " (a PKCS#1 RSA private key)");
            }
            if (size >= 2 && version.hasValue(1) && second instanceof ASN1OctetString) {
                throw privateKey(where + " (an EC private key)");
            }
        }
        if (first instanceof ASN1Sequence alg
                && isAlgorithmIdentifier(alg)
                && sequence.size() == 2
                && sequence.getObjectAt(1) instanceof ASN1OctetString) {
            throw privateKey(where + " (an encrypted PKCS#8 private key)");
        }
    }

    private static void readPkcs7(ASN1Sequence sequence, List<X509Certificate> out, String where) {
        ContentInfo info;
        try {
            info = ContentInfo.getInstance(sequence);
        } catch (RuntimeException e) {
            throw invalid(where + " is not a PKCS#7 structure.", e);
        }
        if (!PKCSObjectIdentifiers.signedData.equals(info.getContentType())) {
            throw invalid(
                    where + " is PKCS#7 of type " + info.getContentType() + ", not signed data with certificates.");
        }
        try {
            CMSSignedData signed = new CMSSignedData(info);
            for (X509CertificateHolder holder : signed.getCertificates().getMatches(null)) {
                add(holder, out, where);
            }
        } catch (CMSException | RuntimeException e) {
            throw invalid(where + " is a PKCS#7 bundle that cannot be read.", e);
        }
    }

    private static void add(X509CertificateHolder holder, List<X509Certificate> out, String where) {
        if (out.size() >= MAX_CERTIFICATES) {
            throw new PkiException(
                    PkiError.TOO_MANY_CERTIFICATES,
                    "The file holds more than " + MAX_CERTIFICATES + " certificates; split it into smaller files.");
        }
        try {
            out.add((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded())));
        } catch (CertificateException | IOException | RuntimeException e) {
            throw invalid(where + " holds a certificate that cannot be read.", e);
        }
    }

    private static byte[] base64(String body, int block) {
        StringBuilder clean = new StringBuilder(body.length());
        for (String line : body.split("\r?\n|\r")) {
            if (!line.contains(":")) {
                clean.append(line.strip());
            }
        }
        try {
            return Base64.getDecoder().decode(clean.toString());
        } catch (IllegalArgumentException e) {
            throw invalid("PEM block " + block + " is not valid base64.", e);
        }
    }

    private static boolean isAlgorithmIdentifier(ASN1Sequence sequence) {
        return sequence.size() >= 1
                && sequence.size() <= 2
                && sequence.getObjectAt(0) instanceof ASN1ObjectIdentifier
                && safeAlgorithm(sequence);
    }

    private static boolean safeAlgorithm(ASN1Sequence sequence) {
        try {
            return AlgorithmIdentifier.getInstance(sequence) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean allIntegers(ASN1Sequence sequence) {
        for (ASN1Encodable element : sequence) {
            if (!(element instanceof ASN1Integer)) {
                return false;
            }
        }
        return true;
    }

    private static PkiException privateKey(String what) {
        return new PkiException(
                PkiError.PRIVATE_KEY_NOT_ALLOWED,
                "The file holds a private key: " + what
                        + ". Keys never go into the trust store; export only the CA certificates and import that file.");
    }

    private static PkiException invalid(String message) {
        return new PkiException(PkiError.INVALID_FILE, message);
    }

    private static PkiException invalid(String message, Throwable cause) {
        return new PkiException(PkiError.INVALID_FILE, message, cause);
    }

    private static String abbreviate(String label) {
        return label.length() > 40 ? label.substring(0, 40) + "..." : label;
    }
}
