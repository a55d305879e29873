package io.certdesk.pki.codec;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;

/** Certificates as a degenerate PKCS#7 SignedData (certs-only, no signer): the {@code .p7b} devices and Windows read. */
public final class Pkcs7Codec {
    private Pkcs7Codec() {}

    /** The certificates, in the order given, as DER ({@code application/pkcs7-mime; smime-type=certs-only}). */
    public static byte[] writeCertificatesDer(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            return generator.generate(new CMSAbsentContent()).getEncoded();
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("encoding certificates as PKCS#7 failed", e);
        }
    }
}
