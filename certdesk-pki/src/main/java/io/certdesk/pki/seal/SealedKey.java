package io.certdesk.pki.seal;

/**
 * A secret sealed under envelope encryption: {@code ciphertext} is the secret under a fresh
 * AES-256-GCM data key, and {@code wrappedDataKey} is that data key under the master key named
 * by {@code masterKeyId}. Both byte arrays are a 12-byte nonce followed by the GCM output.
 */
public record SealedKey(String masterKeyId, byte[] wrappedDataKey, byte[] ciphertext) {
    @Override
    public String toString() {
        return "SealedKey[masterKeyId=" + masterKeyId + ", ciphertext=" + ciphertext.length + " bytes]";
    }
}
