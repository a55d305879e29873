package io.certdesk.server.tls;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation the edge listeners run on: BoringSSL through Conscrypt where its
 * native library loads (the default: three to five times the JDK's full-handshake rate,
 * docs/benchmarks.md), else the JDK's own (JSSE). Both take the same key manager; on BoringSSL
 * it chooses from the client hello read by {@link HelloReading}.
 */
public enum TlsEngine {
    /** BoringSSL (Conscrypt's JSSE provider). */
    CONSCRYPT,
    /** The JDK's TLS. */
    JSSE;

    private static final Logger log = LoggerFactory.getLogger(TlsEngine.class);

    /**
     * The engine to use for {@code wanted}; empty: Conscrypt where it loads, else JSSE. Refuses
     * an explicit Conscrypt where it does not load.
     */
    public static TlsEngine choose(Optional<TlsEngine> wanted) {
        if (wanted.isPresent() && wanted.get() == JSSE) {
            log.info("TLS edge: the JDK's TLS (JSSE)");
            return JSSE;
        }
        if (Conscrypts.provider().isEmpty()) {
            if (wanted.isEmpty()) {
                log.warn(
                        "TLS edge: the JDK's TLS (JSSE), as BoringSSL (Conscrypt) does not load here: {}",
                        Conscrypts.failure());
                return JSSE;
            }
            throw new IllegalStateException(
                    "the Conscrypt TLS engine does not load on this machine: " + Conscrypts.failure());
        }
        log.info("TLS edge: BoringSSL through Conscrypt");
        return CONSCRYPT;
    }

    /** BoringSSL's JCA provider (Conscrypt), where its native library loads: ECDSA and RSA signatures many times the JDK 17's speed. */
    public static Optional<Provider> nativeProvider() {
        return Conscrypts.provider();
    }

    SSLContext context(KeyManager keyManager, SecureRandom random) throws GeneralSecurityException {
        return context(keyManager, null, random);
    }

    /** As above, checking clients' certificates with {@code clients} (null: the edge asks for none). */
    SSLContext context(KeyManager keyManager, javax.net.ssl.TrustManager clients, SecureRandom random)
            throws GeneralSecurityException {
        SSLContext context = this == CONSCRYPT
                ? SSLContext.getInstance("TLS", Conscrypts.provider().orElseThrow())
                : SSLContext.getInstance("TLS");
        context.init(
                new KeyManager[] {keyManager},
                clients == null ? null : new javax.net.ssl.TrustManager[] {clients},
                random);
        return context;
    }

    /**
     * The key as the engine holds it best: for Conscrypt a native key, made once here instead of
     * on every handshake.
     */
    PrivateKey prepare(PrivateKey key) {
        if (this != CONSCRYPT) {
            return key;
        }
        try {
            return (PrivateKey) KeyFactory.getInstance(
                            key.getAlgorithm(), Conscrypts.provider().orElseThrow())
                    .translateKey(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return key; // Conscrypt converts it per handshake instead
        }
    }

    /** Conscrypt's provider, loaded once; its native library may be missing or unloadable on a platform. */
    private static final class Conscrypts {
        private static final Optional<Provider> PROVIDER;
        private static final String FAILURE;

        static {
            Provider provider = null;
            String failure = "";
            try {
                if (Conscrypt.isAvailable()) {
                    provider = Conscrypt.newProvider();
                } else {
                    Conscrypt.checkAvailability(); // throws why
                }
            } catch (Throwable e) { // UnsatisfiedLinkError and friends: a native library that does not load
                failure = e.toString();
            }
            PROVIDER = Optional.ofNullable(provider);
            FAILURE = failure;
        }

        static Optional<Provider> provider() {
            return PROVIDER;
        }

        static String failure() {
            return FAILURE;
        }
    }
}
