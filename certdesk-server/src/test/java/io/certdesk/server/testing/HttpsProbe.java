package io.certdesk.server.testing;

import io.certdesk.pki.tls.TrustingContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A JDK {@code HttpClient} that trusts only the CA file it is given, run as its own process (so
 * the host names it resolves can be mapped for it): prints the status and the server's leaf.
 * Usage: {@code HttpsProbe URL CA_PEM}.
 */
public final class HttpsProbe {
    private HttpsProbe() {}

    public static void main(String[] args) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TrustingContext.trustingOnly(List.of(ca)))
                .build();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(args[0])).build(), HttpResponse.BodyHandlers.ofString());
            X509Certificate leaf =
                    (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            System.out.println("status " + response.statusCode() + " leaf "
                    + leaf.getSubjectX500Principal().getName());
        } catch (java.io.IOException e) {
            System.out.println("failed " + e);
            System.exit(1);
        }
    }
}
