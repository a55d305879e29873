package io.certdesk.pki.certs;

import io.certdesk.pki.Providers;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

/**
 * Checks the signatures of certificates and CRLs. ECDSA is verified with Bouncy Castle, whose P-256
 * verification costs about a fifth of the JDK 17 provider's (0.6 against 3-4 ms on the machine of
 * docs/benchmarks.md: an import verifies each link of its chain and each root's own signature);
 * RSA and EdDSA with the JDK's, which are fast already.
 */
public final class Signatures {
    private Signatures() {}

    /** Throws when {@code key} does not verify the certificate's signature. */
    public static void verify(X509Certificate certificate, PublicKey key) throws GeneralSecurityException {
        if (key instanceof ECPublicKey) {
            certificate.verify(key, Providers.BC);
        } else {
            certificate.verify(key);
        }
    }

    /** Throws when {@code key} does not verify the CRL's signature. */
    public static void verify(X509CRL crl, PublicKey key) throws GeneralSecurityException {
        if (key instanceof ECPublicKey) {
            crl.verify(key, Providers.BC);
        } else {
            crl.verify(key);
        }
    }
}
