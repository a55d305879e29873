package io.certdesk.pki.issue;

import io.certdesk.pki.codec.CertificateCodec;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Where relying parties find the platform CA's publications, over plain HTTP (RFC 5280
 * §4.2.2.1, RFC 6960 appendix A): each CA certificate, each CA's CRL and the one OCSP responder.
 * Every certificate issued names them in its Authority Information Access and CRL Distribution
 * Points; a CA is named by {@link #caId}, the start of its certificate's SHA-256.
 *
 * @param baseUrl {@code http://HOST[:PORT]}, without a trailing slash
 */
public record PkiLocations(String baseUrl) {
    /** The path every publication is under. */
    public static final String PREFIX = "/pki/";

    public PkiLocations {
        if (!baseUrl.startsWith("http://") || baseUrl.endsWith("/")) {
            throw new IllegalArgumentException("the PKI URL is http://HOST[:PORT], found " + baseUrl);
        }
    }

    /** Sixteen hex digits of the CA certificate's SHA-256: short in every certificate, stable for the CA's life. */
    public static String caId(X509Certificate ca) {
        return CertificateCodec.sha256Hex(ca).substring(0, 16).toLowerCase(Locale.ROOT);
    }

    /** The CA's certificate, DER ({@code application/pkix-cert}). */
    public String caCertificate(X509Certificate ca) {
        return baseUrl + PREFIX + "ca/" + caId(ca) + ".crt";
    }

    /** The CRL of what the CA signed. */
    public String crl(X509Certificate ca) {
        return baseUrl + PREFIX + "crl/" + caId(ca) + ".crl";
    }

    /** The OCSP responder, for every CA of the platform (the request names its issuer). */
    public String ocsp() {
        return baseUrl + PREFIX + "ocsp";
    }
}
