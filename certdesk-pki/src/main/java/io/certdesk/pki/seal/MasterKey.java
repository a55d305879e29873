package io.certdesk.pki.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit key that wraps every data key. Its {@link #id()} is derived from the key (an HMAC
 * of a fixed label), so the id can be stored beside what it wraps without revealing the key, and
 * a wrong master key is told apart from damaged data.
 */
public final class MasterKey {
    public static final int LENGTH = 32;
    private final byte[] key;
    private final String id;

    private MasterKey(byte[] key) {
        this.key = key.clone();
        this.id = deriveId(this.key);
    }

    /** A master key from exactly 32 bytes. */
    public static MasterKey of(byte[] key) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException(
                    "a master key is " + LENGTH + " bytes, found " + (key == null ? "none" : key.length + " bytes"));
        }
        return new MasterKey(key);
    }

    public static MasterKey generate(SecureRandom random) {
        byte[] key = new byte[LENGTH];
        random.nextBytes(key);
        try {
            return new MasterKey(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Sixteen hex characters naming this key; safe to log and store. */
    public String id() {
        return id;
    }

    /** A copy of the raw key, for writing it to its file. */
    public byte[] bytes() {
        return key.clone();
    }

    SecretKeySpec secretKey() {
        return new SecretKeySpec(key, "AES");
    }

    private static String deriveId(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal("certdesk master key id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + "]";
    }
}
