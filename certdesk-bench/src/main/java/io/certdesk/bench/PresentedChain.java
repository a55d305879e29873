package io.certdesk.bench;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** The chain a TLS server on 127.0.0.1 presents for a name (SNI), by a real handshake that trusts whatever it is shown. */
public final class PresentedChain {
    private PresentedChain() {}

    public static X509Certificate[] of(int port, String name) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        X509Certificate[][] seen = new X509Certificate[1][];
        context.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        public void checkServerTrusted(X509Certificate[] chain, String authType) {
                            seen[0] = chain;
                        }

                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(name)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
        }
        return seen[0];
    }
}
