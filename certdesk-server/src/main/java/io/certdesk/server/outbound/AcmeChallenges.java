package io.certdesk.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Validating ACME challenges by connecting to the name asked for, only through the
 * {@link OutboundGuard} (the name is the requester's to point anywhere): {@code http-01} (RFC 8555
 * §8.3) and {@code tls-alpn-01} (RFC 8737). One deadline covers the whole attempt.
 */
public final class AcmeChallenges {
    /** The acmeIdentifier extension (RFC 8737 §3). */
    static final String ACME_IDENTIFIER = "1.3.6.1.5.5.7.1.31";

    private static final int MAX_BODY = 8 * 1024;
    private final OutboundGuard guard;
    private final Duration timeout;
    private final int httpPort;
    private final int tlsPort;

    /** {@code httpPort}/{@code tlsPort}: where validation connects (80 and 443 on the Internet; others in a lab). */
    public AcmeChallenges(OutboundGuard guard, Duration timeout, int httpPort, int tlsPort) {
        this.guard = guard;
        this.timeout = timeout;
        this.httpPort = httpPort;
        this.tlsPort = tlsPort;
    }

    /** Why a validation failed: the ACME error type ({@code connection}, {@code incorrectResponse}, {@code tls}, {@code dns}) and a sentence. */
    public record Failure(String type, String detail) {}

    /** The key authorization served at {@code http://name/.well-known/acme-challenge/token}; empty when it matches. */
    public Optional<Failure> http01(String name, String token, String keyAuthorization) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OutboundGuard.Resolved resolved = guard.resolve(name);
        if (resolved.refusal().isPresent()) {
            return Optional.of(refusal(resolved));
        }
        InetAddress address = resolved.addresses().get(0);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, httpPort), remaining(deadline));
            socket.setSoTimeout(remaining(deadline));
            socket.getOutputStream()
                    .write(("GET /.well-known/acme-challenge/" + token + " HTTP/1.1\r\nHost: " + name
                                    + "\r\nUser-Agent: Certdesk-ACME-validation\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = readAll(socket.getInputStream(), deadline, socket);
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.") || end < 0) {
                return Optional.of(new Failure("incorrectResponse", name + " did not answer HTTP at port " + httpPort));
            }
            String status = text.substring(0, text.indexOf("\r\n"));
            if (!status.matches("HTTP/1\\.[01] 200.*")) {
                return Optional.of(new Failure(
                        "incorrectResponse",
                        name + " answered '" + status + "' for /.well-known/acme-challenge/" + token));
            }
            String body = text.substring(end + 4);
            if (text.substring(0, end).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            if (!body.strip().equals(keyAuthorization)) {
                return Optional.of(new Failure(
                        "incorrectResponse",
                        "The key authorization served by " + name + " is not this challenge's" + " (found "
                                + body.strip().length() + " characters)"));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(new Failure(
                    "connection",
                    "Cannot fetch http://" + name + ":" + httpPort + "/.well-known/acme-challenge/" + token + ": "
                            + e.getMessage()));
        }
    }

    /**
     * A TLS handshake with {@code name} by SNI offering only ALPN {@code acme-tls/1}: the
     * certificate presented must name exactly {@code name} and carry the critical acmeIdentifier
     * extension with the SHA-256 of {@code keyAuthorization}.
     */
    public Optional<Failure> tlsAlpn01(String name, String keyAuthorization) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OutboundGuard.Resolved resolved = guard.resolve(name);
        if (resolved.refusal().isPresent()) {
            return Optional.of(refusal(resolved));
        }
        X509Certificate[] presented = new X509Certificate[1];
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(resolved.addresses().get(0), tlsPort), remaining(deadline));
            plain.setSoTimeout(remaining(deadline));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Recording(presented)}, new SecureRandom());
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, name, tlsPort, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(name)));
                parameters.setApplicationProtocols(new String[] {"acme-tls/1"});
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                if (!"acme-tls/1".equals(tls.getApplicationProtocol())) {
                    return Optional.of(new Failure(
                            "tls", name + " did not negotiate the ALPN protocol acme-tls/1 at port " + tlsPort));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            return Optional.of(new Failure(
                    "tls", "No TLS handshake with " + name + ":" + tlsPort + " for acme-tls/1: " + e.getMessage()));
        }
        X509Certificate certificate = presented[0];
        if (certificate == null) {
            return Optional.of(new Failure("tls", name + " presented no certificate"));
        }
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null
                    || sans.size() != 1
                    || !((Integer) sans.iterator().next().get(0) == 2)
                    || !name.equalsIgnoreCase(
                            String.valueOf(sans.iterator().next().get(1)))) {
                return Optional.of(new Failure(
                        "incorrectResponse",
                        "The acme-tls/1 certificate must name exactly " + name
                                + " as its one subject alternative name"));
            }
            if (!certificate.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER)) {
                return Optional.of(new Failure(
                        "incorrectResponse", "The acme-tls/1 certificate lacks the critical acmeIdentifier extension"));
            }
            byte[] expected =
                    MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            byte[] value = certificate.getExtensionValue(ACME_IDENTIFIER); // OCTET STRING { OCTET STRING (32) }
            byte[] inner = value == null || value.length != 36 ? null : Arrays.copyOfRange(value, 4, 36);
            if (inner == null || value[2] != 0x04 || value[3] != 32 || !MessageDigest.isEqual(inner, expected)) {
                return Optional.of(new Failure(
                        "incorrectResponse",
                        "The acmeIdentifier of the certificate is not this challenge's key authorization"));
            }
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of(new Failure("incorrectResponse", "The acme-tls/1 certificate cannot be read"));
        }
    }

    private static Failure refusal(OutboundGuard.Resolved resolved) {
        String why = resolved.refusal().orElseThrow();
        return new Failure(why.endsWith("does not resolve") ? "dns" : "connection", why);
    }

    private static int remaining(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new IOException("timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static byte[] readAll(InputStream in, long deadline, Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[2048];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY) {
                throw new IOException("the answer is over " + MAX_BODY + " bytes");
            }
            socket.setSoTimeout(remaining(deadline));
        }
        return out.toByteArray();
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int line = body.indexOf("\r\n", at);
            if (line < 0) {
                break;
            }
            int size;
            try {
                size = Integer.parseInt(body.substring(at, line).split(";")[0].strip(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0 || line + 2 + size > body.length()) {
                break;
            }
            out.append(body, line + 2, line + 2 + size);
            at = line + 2 + size + 2;
        }
        return out.toString();
    }

    /** Takes the presented certificate without judging it: validation looks at it itself. */
    private static final class Recording implements X509TrustManager {
        private final X509Certificate[] presented;

        Recording(X509Certificate[] presented) {
            this.presented = presented;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            presented[0] = chain.length == 0 ? null : chain[0];
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
