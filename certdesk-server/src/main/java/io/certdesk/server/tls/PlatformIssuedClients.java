package io.certdesk.server.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;

/**
 * Takes a TLS client's certificate when one of the platform CA's certificates signed it and it is
 * within its validity (its account, its revocation and what it may do are the application's to
 * check); names those CAs as the ones the server accepts, so a device picks the right certificate.
 * Never trusts a server.
 */
public final class PlatformIssuedClients implements X509TrustManager {
    private final Supplier<List<X509Certificate>> cas;
    private final Clock clock;

    public PlatformIssuedClients(Supplier<List<X509Certificate>> cas, Clock clock) {
        this.cas = cas;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        X509Certificate leaf = chain[0];
        leaf.checkValidity(Date.from(clock.instant()));
        for (X509Certificate ca : cas.get()) {
            if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(ca.getPublicKey());
                return;
            } catch (GeneralSecurityException | RuntimeException e) {
                // another CA of the same name (a renewed one) may have signed it
            }
        }
        throw new CertificateException("the client certificate was not issued by the platform CA");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.get().toArray(new X509Certificate[0]);
    }
}
