package io.certdesk.pki.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and its certificate chain, leaf first. */
public record IssuedChain(PrivateKey privateKey, List<X509Certificate> chain) {
    public IssuedChain {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a chain holds at least its leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "IssuedChain[leaf=" + leaf().getSubjectX500Principal() + ", length=" + chain.size() + "]";
    }
}
