package io.certdesk.pki.imports;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainBuilder;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.keys.KeyChecks;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of taking back a certificate that another CA signed for a request made here: the
 * file (PEM, DER or PKCS#7, with or without its chain) must hold a certificate for the request's
 * key; that leaf then meets the rules of a PKCS#12 import (valid now, strong key, no MD5/SHA-1
 * signature, every name among the account's domains) and its chain is ordered and completed from
 * the file and the CAs the account knows.
 */
public final class SignedChainImport {
    private SignedChainImport() {}

    /** The chain to store with the request's key, and what was noticed about it. */
    public record SignedChain(
            List<X509Certificate> certificates,
            Set<ChainPurpose> purposes,
            List<String> dnsNames,
            List<ImportWarning> warnings) {
        public SignedChain {
            certificates = List.copyOf(certificates);
            dnsNames = List.copyOf(dnsNames);
            warnings = List.copyOf(warnings);
        }

        public X509Certificate leaf() {
            return certificates.get(0);
        }
    }

    /**
     * @param requestKey the public key of the request the certificate answers
     * @param domains    the account's domains (stored form)
     * @param known      CA certificates that may complete the chain (the account's trusted CAs, the platform CA)
     */
    public static SignedChain evaluate(
            byte[] file,
            PublicKey requestKey,
            Collection<String> domains,
            Collection<X509Certificate> known,
            Instant now) {
        List<X509Certificate> pool =
                CertificateFiles.readCertificates(file).stream().distinct().toList();
        try {
            X509Certificate leaf = pool.stream()
                    .filter(c -> KeyChecks.samePublicKey(c.getPublicKey(), requestKey))
                    .findFirst()
                    .orElseThrow(() -> new PkiException(
                            PkiError.KEY_MISMATCH,
                            (pool.size() == 1
                                            ? "The certificate '" + PrivateChainImport.subject(pool.get(0)) + "' is"
                                            : "None of the " + pool.size() + " certificates in the file is")
                                    + " for this request's key: it answers another request. Upload the certificate"
                                    + " the CA issued for the CSR downloaded from this request."));
            if (leaf.getBasicConstraints() >= 0) {
                throw new PkiException(
                        PkiError.INVALID_FILE,
                        "The certificate for this request's key is a CA certificate; a server certificate was expected.");
            }
            ChainBuilder.Built built = ChainBuilder.build(leaf, pool, known);
            PrivateChainImport.check(built.certificates(), now);
            List<String> names = PrivateChainImport.namesOf(leaf, domains);
            Optional<ImportWarning> warning = PrivateChainImport.incompleteWarning(built);
            return new SignedChain(
                    built.certificates(),
                    PrivateChainImport.purposes(leaf),
                    names,
                    warning.stream().toList());
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE, "A certificate in the file is damaged and cannot be checked.", e);
        }
    }
}
