package io.certdesk.pki.keys;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.Providers;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Generates key pairs and moves private keys in and out of their PKCS#8 DER encoding. */
public final class KeyPairs {
    private KeyPairs() {}

    /** A fresh key pair of the given type, drawn from {@code random}. */
    public static KeyPair generate(KeyType type, SecureRandom random) {
        try {
            // Bouncy Castle generates EC keys several times faster than the JDK 17 provider.
            KeyPairGenerator generator = type.algorithm().equals("EC")
                    ? KeyPairGenerator.getInstance("EC", Providers.BC)
                    : KeyPairGenerator.getInstance(type.algorithm());
            if (type.algorithm().equals("EC")) {
                generator.initialize(new ECGenParameterSpec(type.curve()), random);
            } else if (type == KeyType.ED25519) {
                generator.initialize(255, random);
            } else {
                generator.initialize(new RSAKeyGenParameterSpec(type.bits(), RSAKeyGenParameterSpec.F4), random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + type + " keys", e);
        }
    }

    /** The PKCS#8 DER encoding of a private key. The caller owns (and should seal) the bytes. */
    public static byte[] encodePkcs8Der(PrivateKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || !"PKCS#8".equals(key.getFormat())) {
            throw new PkiException(PkiError.INVALID_KEY_MATERIAL, "The private key cannot be exported in PKCS#8 form.");
        }
        return encoded;
    }

    /**
     * Reads a PKCS#8 DER private key of the given JCA algorithm ({@code RSA}, {@code EC},
     * {@code Ed25519}).
     */
    public static PrivateKey decodePkcs8Der(byte[] der, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new PkiException(
                    PkiError.INVALID_KEY_MATERIAL,
                    "The stored private key is not a valid " + algorithm + " PKCS#8 key.",
                    e);
        }
    }
}
