package io.certdesk.pki.scep;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A registration authority's certificate and key (RSA): clients encrypt their requests to it, and
 * it signs every answer (RFC 8894 §2.1). The CA that issues stays behind it.
 */
public record ScepRa(X509Certificate certificate, PrivateKey key) {
    public ScepRa {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "ScepRa[" + certificate.getSubjectX500Principal() + ", serial "
                + certificate.getSerialNumber().toString(16) + "]";
    }
}
