package io.certdesk.pki.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The platform CA: a self-signed root and an issuing CA below it. Only the issuing CA's key
 * signs end-entity chains; the root key is kept to sign a new issuing CA.
 */
public record PlatformCa(X509Certificate root, PrivateKey rootKey, X509Certificate issuing, PrivateKey issuingKey) {
    public PlatformCa {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(issuing, "issuing");
        Objects.requireNonNull(issuingKey, "issuingKey");
    }

    /** The CA part of every chain the platform issues: issuing CA, then root. */
    public List<X509Certificate> caChain() {
        return List.of(issuing, root);
    }

    @Override
    public String toString() {
        return "PlatformCa[root=" + root.getSubjectX500Principal() + ", issuing=" + issuing.getSubjectX500Principal() + "]";
    }
}
