package io.certdesk.server.app;

import io.certdesk.pki.tls.TrustingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code /readyz} the way a provisioned terminal would: TLS to the node's address with
 * SNI and host name verification for {@code hostname}, trusting only the platform CA root.
 */
final class SelfCheck {
    private SelfCheck() {}

    /** The status line of the answer, or a sentence saying why there was none. */
    static String readiness(X509Certificate root, String hostname, String address, int port) {
        try {
            SSLContext context = TrustingContext.trustingOnly(List.of(root));
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress(address, port), 5_000);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, hostname, port, true)) {
                socket.setSoTimeout(10_000);
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /readyz HTTP/1.1\r\nHost: " + hostname + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c != -1 && c != '\r' && line.length() < 200; c = in.read()) {
                    line.append((char) c);
                }
                return line.toString();
            }
        } catch (IOException | GeneralSecurityException e) {
            return "no answer (" + e.getMessage() + ")";
        }
    }
}
