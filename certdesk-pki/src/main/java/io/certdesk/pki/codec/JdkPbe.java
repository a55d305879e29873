package io.certdesk.pki.codec;

import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.interfaces.PBEKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.InputDecryptor;
import org.bouncycastle.operator.InputDecryptorProvider;

/**
 * PKCS#12 password-based decryption and MAC on the JDK's own providers, whose SHA-1/SHA-2
 * and AES are CPU intrinsics (Bouncy Castle's lightweight digests are pure Java and make the
 * key derivation several times slower). Covers what real files use: PBES2 (PBKDF2 with
 * HMAC-SHA1/224/256/384/512, AES-CBC), the PKCS#12 PBEs for 3DES and RC2, and the SHA-1/SHA-2 MACs.
 * Algorithms outside that set are left to Bouncy Castle by the caller.
 */
final class JdkPbe {
    private static final Map<ASN1ObjectIdentifier, String> PRFS = Map.of(
            PKCSObjectIdentifiers.id_hmacWithSHA1, "HmacSHA1",
            PKCSObjectIdentifiers.id_hmacWithSHA224, "HmacSHA224",
            PKCSObjectIdentifiers.id_hmacWithSHA256, "HmacSHA256",
            PKCSObjectIdentifiers.id_hmacWithSHA384, "HmacSHA384",
            PKCSObjectIdentifiers.id_hmacWithSHA512, "HmacSHA512");
    private static final Map<ASN1ObjectIdentifier, Integer> AES_KEY_BYTES = Map.of(
            NISTObjectIdentifiers.id_aes128_CBC, 16,
            NISTObjectIdentifiers.id_aes192_CBC, 24,
            NISTObjectIdentifiers.id_aes256_CBC, 32);
    private static final Map<ASN1ObjectIdentifier, String> LEGACY_CIPHERS = Map.of(
            PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, "PBEWithSHA1AndDESede",
            PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC, "PBEWithSHA1AndRC2_40",
            PKCSObjectIdentifiers.pbeWithSHAAnd128BitRC2_CBC, "PBEWithSHA1AndRC2_128");
    private static final Map<ASN1ObjectIdentifier, String> MAC_DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA1",
            NISTObjectIdentifiers.id_sha256, "SHA256",
            NISTObjectIdentifiers.id_sha384, "SHA384",
            NISTObjectIdentifiers.id_sha512, "SHA512");

    private JdkPbe() {}

    /** Whether this class decrypts content or keys under {@code algorithm}. */
    static boolean decrypts(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.id_PBES2)) {
            PBES2Parameters params = PBES2Parameters.getInstance(algorithm.getParameters());
            return params.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)
                    && prf(PBKDF2Params.getInstance(
                                    params.getKeyDerivationFunc().getParameters()))
                            != null
                    && aesKeyBytes(params.getEncryptionScheme().getAlgorithm()) > 0;
        }
        return legacyCipher(oid) != null;
    }

    /** Decrypts with the JDK where it can, else with {@code fallback}. */
    static InputDecryptorProvider decryptorProvider(char[] password, InputDecryptorProvider fallback) {
        return algorithm -> decrypts(algorithm)
                        && (isAscii(password) || algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2))
                ? decryptor(algorithm, password)
                : fallback.get(algorithm);
    }

    /** The JDK's PKCS#12 PBE ciphers take printable ASCII passwords only. */
    private static boolean isAscii(char[] password) {
        for (char c : password) {
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static InputDecryptor decryptor(AlgorithmIdentifier algorithm, char[] password) {
        Cipher cipher = cipher(algorithm, password);
        return new InputDecryptor() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public InputStream getInputStream(InputStream encrypted) {
                return new CipherInputStream(encrypted, cipher);
            }
        };
    }

    private static Cipher cipher(AlgorithmIdentifier algorithm, char[] password) {
        try {
            ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
            if (oid.equals(PKCSObjectIdentifiers.id_PBES2)) {
                PBES2Parameters params = PBES2Parameters.getInstance(algorithm.getParameters());
                PBKDF2Params kdf =
                        PBKDF2Params.getInstance(params.getKeyDerivationFunc().getParameters());
                AlgorithmIdentifier scheme = AlgorithmIdentifier.getInstance(params.getEncryptionScheme());
                int keyBytes = aesKeyBytes(scheme.getAlgorithm());
                byte[] derived = SecretKeyFactory.getInstance("PBKDF2With" + prf(kdf))
                        .generateSecret(new PBEKeySpec(
                                password, kdf.getSalt(), kdf.getIterationCount().intValueExact(), keyBytes * 8))
                        .getEncoded();
                Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
                cipher.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(derived, "AES"),
                        new IvParameterSpec(ASN1OctetString.getInstance(scheme.getParameters())
                                .getOctets()));
                return cipher;
            }
            PKCS12PBEParams params = PKCS12PBEParams.getInstance(algorithm.getParameters());
            String name = legacyCipher(oid);
            SecretKey key = SecretKeyFactory.getInstance(name).generateSecret(new PBEKeySpec(password));
            Cipher cipher = Cipher.getInstance(name);
            AlgorithmParameterSpec spec =
                    new PBEParameterSpec(params.getIV(), params.getIterations().intValueExact());
            cipher.init(Cipher.DECRYPT_MODE, key, spec);
            return cipher;
        } catch (GeneralSecurityException | ArithmeticException e) {
            throw new IllegalStateException("cannot set up decryption for " + algorithm.getAlgorithm(), e);
        }
    }

    /**
     * Whether the MAC of {@code pfx} verifies under {@code password}, or empty when its digest is
     * one this class does not compute.
     */
    static Optional<Boolean> macValid(Pfx pfx, char[] password) {
        MacData macData = pfx.getMacData();
        String digest = macDigest(macData.getMac().getAlgorithmId().getAlgorithm());
        if (digest == null) {
            return Optional.empty();
        }
        try {
            Mac mac = Mac.getInstance("HmacPBE" + digest);
            mac.init(
                    new Password(password),
                    new PBEParameterSpec(
                            macData.getSalt(), macData.getIterationCount().intValueExact()));
            byte[] expected = macData.getMac().getDigest();
            byte[] actual = mac.doFinal(
                    ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets());
            return Optional.of(MessageDigest.isEqual(expected, actual));
        } catch (GeneralSecurityException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A password as a PBE key, handed to the JDK's PKCS#12 MAC as characters (any Unicode, encoded as PKCS#12 says). */
    private static final class Password implements PBEKey {
        private static final long serialVersionUID = 1L;
        private final char[] password;

        Password(char[] password) {
            this.password = password.clone();
        }

        @Override
        public char[] getPassword() {
            return password.clone();
        }

        @Override
        public byte[] getSalt() {
            return null;
        }

        @Override
        public int getIterationCount() {
            return 0;
        }

        @Override
        public String getAlgorithm() {
            return "PBE";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            byte[] ascii = new byte[password.length];
            for (int i = 0; i < password.length; i++) {
                ascii[i] = (byte) password[i];
            }
            return ascii;
        }
    }

    /** The JCA name of the PBKDF2 PRF, or null when the JDK has none for it. */
    private static String prf(PBKDF2Params kdf) {
        return PRFS.get(kdf.getPrf().getAlgorithm());
    }

    private static int aesKeyBytes(ASN1ObjectIdentifier scheme) {
        return AES_KEY_BYTES.getOrDefault(scheme, 0);
    }

    private static String legacyCipher(ASN1ObjectIdentifier oid) {
        return LEGACY_CIPHERS.get(oid);
    }

    private static String macDigest(ASN1ObjectIdentifier oid) {
        return MAC_DIGESTS.get(oid);
    }
}
