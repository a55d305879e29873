package io.certdesk.server.testing;

import io.certdesk.pki.codec.CertificateCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Full TLS handshakes from the JDK, recording the chain the server presented without judging it
 * (the tests judge it): a fresh context per handshake, so no session is resumed.
 */
public final class Handshakes {
    private Handshakes() {}

    /** The chain presented to a client asking for {@code serverName} (empty: no SNI). */
    public static List<X509Certificate> presented(int port, Optional<String> serverName) {
        X509Certificate[][] seen = new X509Certificate[1][];
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    null,
                    new TrustManager[] {
                        new X509TrustManager() {
                            @Override
                            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                            @Override
                            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                                seen[0] = chain;
                            }

                            @Override
                            public X509Certificate[] getAcceptedIssuers() {
                                return new X509Certificate[0];
                            }
                        }
                    },
                    null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(5_000);
                SSLParameters parameters = socket.getSSLParameters();
                serverName.ifPresentOrElse(
                        name -> parameters.setServerNames(List.of(new SNIHostName(name))),
                        () -> parameters.setServerNames(List.of()));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            }
            return List.of(seen[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of the leaf presented for {@code serverName}. */
    public static String leafSha256(int port, String serverName) {
        return CertificateCodec.sha256Hex(
                presented(port, Optional.of(serverName)).get(0));
    }
}
