package io.certdesk.pki.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The platform CA: a self-signed root and issuing CAs below it, as public CAs do: one of the
 * root's key type, and one EC P-256 issuing CA that signs EC leaves (an RSA-3072 signature per
 * leaf would cost ~15 times an ECDSA one). With an EC root, both are the same CA. The root key
 * is kept only to sign issuing CAs.
 */
public record PlatformCa(
        X509Certificate root,
        PrivateKey rootKey,
        X509Certificate issuing,
        PrivateKey issuingKey,
        X509Certificate ecIssuing,
        PrivateKey ecIssuingKey) {
    public PlatformCa {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(issuing, "issuing");
        Objects.requireNonNull(issuingKey, "issuingKey");
        Objects.requireNonNull(ecIssuing, "ecIssuing");
        Objects.requireNonNull(ecIssuingKey, "ecIssuingKey");
    }

    /**
     * The issuing CA certificate that signs leaves of this key algorithm: the RSA issuing CA for
     * RSA leaves (an all-RSA chain for RSA-only clients), the EC one for EC and Ed25519 leaves.
     */
    public X509Certificate issuingFor(String leafKeyAlgorithm) {
        return "RSA".equals(leafKeyAlgorithm) ? issuing : ecIssuing;
    }

    PrivateKey issuingKeyFor(String leafKeyAlgorithm) {
        return "RSA".equals(leafKeyAlgorithm) ? issuingKey : ecIssuingKey;
    }

    /** Every CA certificate of the platform: the issuing CAs, then the root. */
    public List<X509Certificate> caCertificates() {
        return issuing.equals(ecIssuing) ? List.of(issuing, root) : List.of(issuing, ecIssuing, root);
    }

    @Override
    public String toString() {
        return "PlatformCa[root=" + root.getSubjectX500Principal() + ", issuing=" + issuing.getSubjectX500Principal()
                + ", ecIssuing=" + ecIssuing.getSubjectX500Principal() + "]";
    }
}
