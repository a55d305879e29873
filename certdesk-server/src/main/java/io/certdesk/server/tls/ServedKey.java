package io.certdesk.server.tls;

import java.security.PrivateKey;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served chain's private key, opened (unsealed, and made native for the engine) once: at once
 * for a chain that changes while the node runs, and at start-up either by the first handshake
 * that presents the chain or by the edge's background pass over every chain, whichever comes
 * first. Until then it holds the sealed row, never the plaintext.
 */
final class ServedKey {
    private static final Logger log = LoggerFactory.getLogger(ServedKey.class);

    private volatile PrivateKey key;
    /** Opens the key; null once opened or once opening failed. Written under {@code this}. */
    private volatile Supplier<PrivateKey> opener;

    private final String chainId;

    private ServedKey(String chainId, PrivateKey key, Supplier<PrivateKey> opener) {
        this.chainId = chainId;
        this.key = key;
        this.opener = opener;
    }

    static ServedKey opened(String chainId, PrivateKey key) {
        return new ServedKey(chainId, key, null);
    }

    /** A key opened when first needed by {@code opener}, which may throw (a sealed row altered). */
    static ServedKey sealed(String chainId, Supplier<PrivateKey> opener) {
        return new ServedKey(chainId, null, opener);
    }

    /**
     * The opened key; null when it cannot be opened (logged once: the chain's handshakes then fail
     * as if it had no key, the others go on).
     */
    PrivateKey get() {
        PrivateKey known = key;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (key == null && opener != null) {
                Supplier<PrivateKey> open = opener;
                opener = null;
                try {
                    key = open.get();
                } catch (RuntimeException e) {
                    log.error("TLS edge: the key of chain {} cannot be opened; the chain is not served", chainId, e);
                }
            }
            return key;
        }
    }

    /** Whether the key is still sealed (neither opened nor failed). */
    boolean pending() {
        return opener != null;
    }
}
