package io.certdesk.server.tls;

import io.certdesk.pki.issue.IssuedChain;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.conscrypt.Conscrypt;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The TLS settings of every listener: TLS 1.2 and 1.3, forward-secret AEAD suites only. */
public final class ServerTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    private ServerTls() {}

    /** A Jetty server TLS context on {@code context}, whose key manager chooses the chain of each handshake. */
    public static SslContextFactory.Server contextFactory(SSLContext context) {
        SslContextFactory.Server factory = new EdgeContextFactory();
        factory.setSslContext(context);
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setIncludeCipherSuites(CIPHER_SUITES);
        factory.setSniRequired(false);
        factory.setRenegotiationAllowed(false);
        return factory;
    }

    /**
     * The EST listener's context: the edge's, and a client certificate asked for (not required:
     * first enrollments authenticate by password), checked by the context's trust manager.
     */
    public static SslContextFactory.Server clientCertificateContextFactory(SSLContext context) {
        SslContextFactory.Server factory = contextFactory(context);
        factory.setWantClientAuth(true);
        return factory;
    }

    /**
     * Jetty's server context, without two costs it puts on every connection of the edge: its
     * engines are given their parameters without reading the engine's first (on Conscrypt, each
     * read and each write of them looks up {@code SSLParameters.get/setNamedGroups} by reflection
     * and throws {@code NoSuchMethodException} on Java 17), and no client certificate chain is
     * asked of a session (the edge never requests one; asking throws {@code
     * SSLPeerUnverifiedException}, twice per connection).
     */
    static final class EdgeContextFactory extends SslContextFactory.Server {
        @Override
        public void customize(SSLEngine engine) {
            if (Conscrypt.isConscrypt(engine)) {
                // what Jetty sets (endpoint identification, cipher order, suites, protocols, client auth) on fresh ones
                engine.setSSLParameters(customize(new SSLParameters()));
            } else {
                super.customize(engine);
            }
        }

        @Override
        public X509Certificate[] getX509CertChain(SSLSession session) {
            return getNeedClientAuth() || getWantClientAuth() ? super.getX509CertChain(session) : null;
        }
    }

    /**
     * A Jetty server TLS context that presents {@code chain}. The key is held in an in-memory key
     * store under a random password that lives only as long as this object.
     */
    public static SslContextFactory.Server contextFactory(IssuedChain chain, SecureRandom random) {
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String password = Base64.getEncoder().encodeToString(secret);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    "server",
                    chain.privateKey(),
                    password.toCharArray(),
                    chain.chain().toArray(new Certificate[0]));
            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setKeyStore(store);
            factory.setKeyStorePassword(password);
            factory.setKeyManagerPassword(password);
            factory.setIncludeProtocols(PROTOCOLS);
            factory.setIncludeCipherSuites(CIPHER_SUITES);
            factory.setSniRequired(false);
            factory.setRenegotiationAllowed(false);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store", e);
        }
    }
}
