package io.certdesk.pki.seal;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of private keys at rest: AES-256-GCM with a fresh data key for every
 * secret, the data key wrapped (AES-256-GCM too) by the {@link MasterKey}. The {@code context}
 * (for example the row id) is authenticated with the secret, so a ciphertext copied to another
 * row does not open.
 */
public final class KeySealer {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] WRAP_AAD = "certdesk/data-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final MasterKey master;
    private final SecureRandom random;

    public KeySealer(MasterKey master, SecureRandom random) {
        this.master = master;
        this.random = random;
    }

    public String masterKeyId() {
        return master.id();
    }

    public SealedKey seal(byte[] secret, String context) {
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        try {
            byte[] ciphertext = encrypt(new SecretKeySpec(dataKey, "AES"), secret, aad(context));
            byte[] wrapped = encrypt(master.secretKey(), dataKey, WRAP_AAD);
            return new SealedKey(master.id(), wrapped, ciphertext);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Opens a sealed secret. The caller should clear the returned array when done.
     *
     * @throws PkiException {@link PkiError#WRONG_MASTER_KEY} when the secret was sealed under
     *                      another master key, {@link PkiError#INVALID_KEY_MATERIAL} when it was
     *                      altered or belongs to another context
     */
    public byte[] open(SealedKey sealed, String context) {
        byte[] dataKey = unwrap(sealed);
        try {
            return decrypt(new SecretKeySpec(dataKey, "AES"), sealed.ciphertext(), aad(context));
        } catch (AEADBadTagException e) {
            throw new PkiException(
                    PkiError.INVALID_KEY_MATERIAL, "A stored key does not open: it was altered or moved.", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The same secret with its data key wrapped by {@code next}; the ciphertext is unchanged. */
    public SealedKey rewrap(SealedKey sealed, MasterKey next) {
        byte[] dataKey = unwrap(sealed);
        try {
            return new SealedKey(next.id(), encrypt(next.secretKey(), dataKey, WRAP_AAD), sealed.ciphertext());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] unwrap(SealedKey sealed) {
        if (!master.id().equals(sealed.masterKeyId())) {
            throw new PkiException(
                    PkiError.WRONG_MASTER_KEY,
                    "A stored key is sealed under master key " + sealed.masterKeyId() + ", not under the given "
                            + master.id() + ".");
        }
        try {
            return decrypt(master.secretKey(), sealed.wrappedDataKey(), WRAP_AAD);
        } catch (AEADBadTagException e) {
            throw new PkiException(
                    PkiError.WRONG_MASTER_KEY,
                    "A stored data key does not open with master key " + master.id() + ".",
                    e);
        }
    }

    private byte[] encrypt(SecretKeySpec key, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] body = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE + body.length).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    private static byte[] decrypt(SecretKeySpec key, byte[] sealed, byte[] aad) throws AEADBadTagException {
        if (sealed.length < NONCE + TAG_BITS / 8) {
            throw new AEADBadTagException("sealed value too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static byte[] aad(String context) {
        return ("certdesk/secret/v1|" + context).getBytes(StandardCharsets.UTF_8);
    }
}
