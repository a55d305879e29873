package io.certdesk.server.keys;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.seal.KeySealer;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Stores private keys sealed under the master key and opens them again. The plaintext PKCS#8
 * bytes exist only inside these methods; the row id is bound into the ciphertext.
 */
public final class KeyVault {
    private final KeySealer sealer;
    private final SealedKeyStore store;
    private final Clock clock;
    /** The algorithm a sealed shared secret is stored under (an HMAC key, not a private key). */
    static final String SECRET = "HMAC-SHA256";

    public KeyVault(KeySealer sealer, SealedKeyStore store, Clock clock) {
        this.sealer = sealer;
        this.store = store;
        this.clock = clock;
    }

    /** Seals and stores a platform key in the caller's transaction; returns its id. */
    public String put(Handle h, PrivateKey key) {
        return put(h, null, key);
    }

    /** Seals and stores an account's key (deleted with the account); returns its id. */
    public String put(Handle h, String accountId, PrivateKey key) {
        String id = UUID.randomUUID().toString();
        byte[] der = KeyPairs.encodePkcs8Der(key);
        try {
            store.insert(h, id, accountId, jcaAlgorithm(key), sealer.seal(der, context(id)), clock.instant());
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        return id;
    }

    /** Seals and stores a shared secret of an account (NULL: the platform's), such as a webhook's signing key. */
    public String putSecret(Handle h, String accountId, byte[] secret) {
        String id = UUID.randomUUID().toString();
        store.insert(h, id, accountId, SECRET, sealer.seal(secret, context(id)), clock.instant());
        return id;
    }

    /** Opens a stored secret; the caller clears the bytes when done. */
    public byte[] secret(Handle h, String id) {
        SealedKeyStore.Row row =
                store.find(h, id).orElseThrow(() -> new IllegalStateException("no sealed secret " + id));
        if (!SECRET.equals(row.algorithm())) {
            throw new IllegalStateException("sealed key " + id + " is not a secret");
        }
        return sealer.open(row.sealed(), context(row.id()));
    }

    /**
     * Opens a stored key.
     *
     * @throws PkiException when the key is sealed under another master key or was altered
     * @throws IllegalStateException when no key has that id (a dangling reference is a bug)
     */
    public PrivateKey get(Handle h, String id) {
        return open(store.find(h, id).orElseThrow(() -> new IllegalStateException("no sealed key " + id)));
    }

    /** Opens a stored key already read (in bulk). */
    public PrivateKey open(SealedKeyStore.Row row) {
        byte[] der = sealer.open(row.sealed(), context(row.id()));
        try {
            return KeyPairs.decodePkcs8Der(der, row.algorithm());
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The KeyFactory name that reads the key back (Bouncy Castle keys call EC "ECDSA"). */
    private static String jcaAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "ECDSA" -> "EC";
            default -> key.getAlgorithm();
        };
    }

    static String context(String id) {
        return "sealed_keys/" + id;
    }
}
