package io.certdesk.pki.certs;

import io.certdesk.pki.Providers;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * Checks the signatures of certificates and CRLs. ECDSA is verified with Bouncy Castle, whose P-256
 * verification costs about a fifth of the JDK 17 provider's (0.6 against 3-4 ms on the machine of
 * docs/benchmarks.md: an import verifies each link of its chain and each root's own signature),
 * or with a faster provider the process names once ({@link #verifyEcdsaWith}: BoringSSL's, about
 * 0.1 ms), falling back to Bouncy Castle for a curve that one does not know; RSA and EdDSA with
 * the JDK's, which are fast already. The verdict is the same whichever verifies.
 */
public final class Signatures {
    private static volatile Provider ecdsaFirst = Providers.BC;

    private Signatures() {}

    /**
     * From now on, in this process, verifies ECDSA with {@code provider} first. A process-wide
     * choice made at start-up (a node whose BoringSSL loads), not per call: the readers that check
     * signatures are static and deep in the core.
     */
    public static void verifyEcdsaWith(Provider provider) {
        ecdsaFirst = Objects.requireNonNull(provider);
    }

    /** Throws when {@code key} does not verify the certificate's signature. */
    public static void verify(X509Certificate certificate, PublicKey key) throws GeneralSecurityException {
        verify(certificate, key, ecdsaFirst);
    }

    /** As above, with ECDSA verified by {@code first} (Bouncy Castle where it does not know the curve). */
    public static void verify(X509Certificate certificate, PublicKey key, Provider first)
            throws GeneralSecurityException {
        if (key instanceof ECPublicKey) {
            ecdsa(provider -> certificate.verify(key, provider), first);
        } else {
            certificate.verify(key);
        }
    }

    /** Throws when {@code key} does not verify the CRL's signature. */
    public static void verify(X509CRL crl, PublicKey key) throws GeneralSecurityException {
        if (key instanceof ECPublicKey) {
            ecdsa(provider -> crl.verify(key, provider), ecdsaFirst);
        } else {
            crl.verify(key);
        }
    }

    /** One signature check, on the provider given. */
    @FunctionalInterface
    private interface Check {
        void on(Provider provider) throws GeneralSecurityException;
    }

    private static void ecdsa(Check check, Provider first) throws GeneralSecurityException {
        if (first != Providers.BC) {
            try {
                check.on(first);
                return;
            } catch (InvalidKeyException | NoSuchAlgorithmException unknownToIt) {
                // a curve or digest it does not do: Bouncy Castle decides
            }
        }
        check.on(Providers.BC);
    }
}
