package io.certdesk.pki.codec;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.math.BigInteger;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.InputDecryptorProvider;

/**
 * The iteration count of a password key derivation is chosen by whoever wrote the file: an
 * uploaded file asking for two billion iterations would hold a server thread for hours. Real
 * tools write 2,048 (OpenSSL), 10,000 (the JDK) or up to a few hundred thousand; more than
 * {@link #MAX_ITERATIONS} is refused before any derivation runs.
 */
final class KdfLimits {
    static final int MAX_ITERATIONS = 1_000_000;

    private KdfLimits() {}

    static void check(BigInteger iterations, String what) {
        if (iterations != null
                && (iterations.signum() <= 0 || iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0)) {
            throw new PkiException(
                    PkiError.INVALID_FILE,
                    "The " + what + " of the PKCS#12 file asks for " + iterations
                            + " password iterations; between 1 and " + String.format(Locale.ROOT, "%,d", MAX_ITERATIONS)
                            + " are accepted. Export the file again with the tool's default settings.");
        }
    }

    /** Checks each algorithm's iteration count before {@code inner} derives a key for it. */
    static InputDecryptorProvider guard(InputDecryptorProvider inner) {
        return algorithm -> {
            check(iterations(algorithm), "encryption");
            return inner.get(algorithm);
        };
    }

    /** Bouncy Castle wraps what a decryptor provider throws; a refusal from {@link #guard} is passed on as it was. */
    static void rethrowRefusal(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof PkiException refusal) {
                throw refusal;
            }
        }
    }

    private static BigInteger iterations(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        ASN1Encodable parameters = algorithm.getParameters();
        if (parameters == null) {
            return null;
        }
        if (oid.equals(PKCSObjectIdentifiers.id_PBES2)) {
            var kdf = PBES2Parameters.getInstance(parameters).getKeyDerivationFunc();
            return kdf.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)
                    ? PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount()
                    : null;
        }
        if (oid.on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
            return PKCS12PBEParams.getInstance(parameters).getIterations();
        }
        return null;
    }
}
