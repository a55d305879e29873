package io.certdesk.pki.keys;

import io.certdesk.pki.Providers;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Whether a key belongs to a certificate, and whether keys and signatures are strong enough. */
public final class KeyChecks {
    private static final Set<Integer> ALLOWED_EC_FIELD_SIZES = Set.of(256, 384, 521);
    private static final byte[] PROBE = "certdesk key match probe".getBytes(StandardCharsets.US_ASCII);

    private KeyChecks() {}

    /** True when {@code key} is the private half of {@code publicKey}. */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return publicKey instanceof RSAPublicKey pub
                    && rsa.getModulus().equals(pub.getModulus())
                    && rsa.getPublicExponent().equals(pub.getPublicExponent());
        }
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "Ed448", "EdDSA" ->
                publicKey.getAlgorithm().equals("EdDSA") ? "EdDSA" : publicKey.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm, Providers.BC);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, Providers.BC);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** True when two public keys are the same key, however each was encoded (named or explicit curve). */
    public static boolean samePublicKey(PublicKey a, PublicKey b) {
        if (a instanceof RSAPublicKey ra && b instanceof RSAPublicKey rb) {
            return ra.getModulus().equals(rb.getModulus())
                    && ra.getPublicExponent().equals(rb.getPublicExponent());
        }
        if (a instanceof ECPublicKey ea && b instanceof ECPublicKey eb) {
            return ea.getW().equals(eb.getW())
                    && ea.getParams().getCurve().equals(eb.getParams().getCurve());
        }
        return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    /** Why a public key is too weak, if it is: RSA under 2048 bits, EC off P-256/P-384/P-521. */
    public static Optional<String> weakness(PublicKey key) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            return Optional.of("an RSA key of " + rsa.getModulus().bitLength() + " bits (at least 2048 are required)");
        }
        if (key instanceof ECPublicKey ec) {
            int size = ec.getParams().getCurve().getField().getFieldSize();
            if (!ALLOWED_EC_FIELD_SIZES.contains(size) || !isNistPrimeCurve(ec)) {
                return Optional.of("an EC key on a " + size + "-bit curve other than P-256, P-384 or P-521");
            }
        }
        return Optional.empty();
    }

    private static boolean isNistPrimeCurve(ECPublicKey ec) {
        // P-256/384/521 have cofactor 1 over a prime field with a = p - 3; brainpool and others do not.
        var curve = ec.getParams().getCurve();
        if (!(curve.getField() instanceof ECFieldFp fp)) {
            return false;
        }
        return curve.getA().equals(fp.getP().subtract(BigInteger.valueOf(3)))
                && ec.getParams().getCofactor() == 1;
    }

    /** True when the certificate is signed with MD5 or SHA-1 (or MD2). */
    public static boolean weakSignature(X509Certificate certificate) {
        String name = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        return name.contains("MD5")
                || name.contains("MD2")
                || name.contains("SHA1")
                || name.equals("SHAWITHRSA")
                || name.contains("SHA-1");
    }
}
