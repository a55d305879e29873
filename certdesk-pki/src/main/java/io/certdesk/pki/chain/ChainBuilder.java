package io.certdesk.pki.chain;

import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.certs.Signatures;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Orders a chain leaf → root: from the leaf, the issuer is looked for among the file's
 * certificates, then among known CAs (the account's trusted CAs, the platform CA), until a
 * self-signed certificate or no issuer is found. An issuer is one whose subject is the
 * certificate's issuer name and whose key verifies its signature.
 */
public final class ChainBuilder {
    /** Longer chains are not built: real ones have 2 to 4 certificates. */
    public static final int MAX_LENGTH = 10;

    private ChainBuilder() {}

    /** The ordered chain and whether it ends at a self-signed root. */
    public record Built(List<X509Certificate> certificates, boolean complete) {}

    public static Built build(
            X509Certificate leaf, Collection<X509Certificate> pool, Collection<X509Certificate> known) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        X509Certificate current = leaf;
        while (chain.size() < MAX_LENGTH) {
            if (CertificateInfo.isSelfSigned(current)) {
                return new Built(chain, true);
            }
            X509Certificate issuer = issuerOf(current, pool, chain);
            if (issuer == null) {
                issuer = issuerOf(current, known, chain);
            }
            if (issuer == null) {
                return new Built(chain, false);
            }
            chain.add(issuer);
            current = issuer;
        }
        return new Built(chain, false);
    }

    private static X509Certificate issuerOf(
            X509Certificate certificate, Collection<X509Certificate> candidates, List<X509Certificate> used) {
        for (X509Certificate candidate : candidates) {
            if (!used.contains(candidate) && issuedBy(certificate, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether {@code issuer}'s subject is {@code certificate}'s issuer name and its key verifies the signature. */
    public static boolean issuedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            Signatures.verify(certificate, issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false; // same name, other key: not this certificate's issuer
        }
    }
}
