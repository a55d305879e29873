package io.certdesk.server.outbound;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The JDK's default trust store, read once, for accounts that include public roots. */
public final class PublicRoots {
    private static final List<X509Certificate> CERTIFICATES = load();

    private PublicRoots() {}

    public static List<X509Certificate> certificates() {
        return CERTIFICATES;
    }

    private static List<X509Certificate> load() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return List.of(x509.getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }
}
