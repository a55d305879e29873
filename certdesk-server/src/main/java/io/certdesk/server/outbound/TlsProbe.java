package io.certdesk.server.outbound;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Opens a TLS session to a server at an address already allowed, the way its protocol does
 * (LDAP and SMTP first ask for StartTLS), and records the chain it presents without judging it:
 * the account's trust is applied afterwards, so a check can say what the server showed even when
 * it is not trusted. The host name goes in SNI.
 */
final class TlsProbe {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** The LDAP StartTLS extended request (RFC 4511 §4.14.1), message id 1. */
    private static final byte[] LDAP_STARTTLS = ldapStartTls();

    private static final int MAX_LINE = 4096;

    private TlsProbe() {}

    /** An open TLS session; the caller closes it. */
    record Session(SSLSocket socket, String tlsVersion, String cipherSuite, List<X509Certificate> presented)
            implements Closeable {
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a checked connection: nothing to report
            }
        }
    }

    /** A check that ended before a TLS session: its failure and a sentence. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final CheckFailure failure;

        Failed(CheckFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }
    }

    /**
     * Connects, speaks STARTTLS where the protocol has it and shakes hands, all within {@code
     * deadline}; the socket stays watched by it for what the caller does next.
     */
    static Session open(InetAddress address, String host, int port, CheckProtocol protocol, Deadline deadline)
            throws Failed {
        Duration timeout = deadline.limit();
        Socket plain = deadline.watch(new Socket());
        try {
            try {
                plain.connect(new InetSocketAddress(address, port), deadline.remainingMillis());
                plain.setSoTimeout(deadline.remainingMillis());
            } catch (SocketTimeoutException e) {
                throw new Failed(
                        CheckFailure.TIMEOUT,
                        "No connection to " + host + ":" + port + " within " + timeout.toSeconds() + " s.");
            } catch (ConnectException | NoRouteToHostException e) {
                throw new Failed(
                        CheckFailure.CONNECT_FAILED,
                        "Connecting to " + host + ":" + port + " (" + address.getHostAddress() + ") failed: "
                                + e.getMessage() + ".");
            }
            switch (protocol) {
                case LDAP_STARTTLS -> ldapStartTls(plain, host);
                case SMTP_STARTTLS -> smtpStartTls(plain, host);
                default -> {
                    // TLS from the first byte
                }
            }
            Recording recording = new Recording();
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recording}, null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            if (!Cidr.isAddressLiteral(host)) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            tls.setSSLParameters(parameters);
            try {
                tls.startHandshake();
            } catch (SocketTimeoutException e) {
                throw new Failed(
                        CheckFailure.TIMEOUT,
                        "The TLS handshake with " + host + ":" + port + " did not finish within " + timeout.toSeconds()
                                + " s.");
            } catch (SSLException e) {
                if (deadline.passed()) {
                    throw new Failed(
                            CheckFailure.TIMEOUT,
                            "The TLS handshake with " + host + ":" + port + " did not finish within "
                                    + timeout.toSeconds() + " s, the limit of a whole check.");
                }
                throw new Failed(
                        CheckFailure.HANDSHAKE_FAILED,
                        "The TLS handshake with " + host + ":" + port + " failed: " + e.getMessage() + ".");
            }
            return new Session(
                    tls, tls.getSession().getProtocol(), tls.getSession().getCipherSuite(), recording.presented);
        } catch (Failed e) {
            closeQuietly(plain);
            throw e;
        } catch (SocketTimeoutException e) {
            closeQuietly(plain);
            throw new Failed(
                    CheckFailure.TIMEOUT, host + ":" + port + " did not answer within " + timeout.toSeconds() + " s.");
        } catch (IOException e) {
            closeQuietly(plain);
            if (deadline.passed()) {
                throw new Failed(
                        CheckFailure.TIMEOUT,
                        host + ":" + port + " did not finish its answers within " + timeout.toSeconds()
                                + " s, the limit of a whole check.");
            }
            throw new Failed(
                    CheckFailure.HANDSHAKE_FAILED,
                    "The connection to " + host + ":" + port + " failed before TLS: " + e.getMessage() + ".");
        } catch (GeneralSecurityException e) {
            closeQuietly(plain);
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    private static void ldapStartTls(Socket socket, String host) throws IOException, Failed {
        OutputStream out = socket.getOutputStream();
        out.write(LDAP_STARTTLS);
        out.flush();
        InputStream in = socket.getInputStream();
        // LDAPMessage: SEQUENCE { messageID, [APPLICATION 24] ExtendedResponse { resultCode ENUMERATED, ... } }
        if (in.read() != 0x30) {
            throw new Failed(
                    CheckFailure.HANDSHAKE_FAILED, host + " did not answer the StartTLS request as an LDAP server.");
        }
        readLength(in);
        if (in.read() != 0x02) {
            throw new Failed(
                    CheckFailure.HANDSHAKE_FAILED, host + " did not answer the StartTLS request as an LDAP server.");
        }
        in.skipNBytes(readLength(in));
        if (in.read() != 0x78) {
            throw new Failed(
                    CheckFailure.HANDSHAKE_FAILED,
                    host + " did not answer the StartTLS request with an extended response.");
        }
        int length = readLength(in);
        byte[] response = in.readNBytes(length);
        if (response.length < 3 || response[0] != 0x0a || response[1] != 1) {
            throw new Failed(CheckFailure.HANDSHAKE_FAILED, host + " sent an unreadable StartTLS response.");
        }
        int resultCode = response[2] & 0xff;
        if (resultCode != 0) {
            throw new Failed(
                    CheckFailure.HANDSHAKE_FAILED, host + " refused StartTLS (LDAP result code " + resultCode + ").");
        }
    }

    private static int readLength(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed");
        }
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3) {
            throw new IOException("unsupported BER length");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            length = (length << 8) | b;
        }
        return length;
    }

    private static byte[] ldapStartTls() {
        byte[] oid = "1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[2 + 3 + 2 + 2 + oid.length];
        int i = 0;
        message[i++] = 0x30;
        message[i++] = (byte) (3 + 2 + 2 + oid.length);
        message[i++] = 0x02;
        message[i++] = 0x01;
        message[i++] = 0x01;
        message[i++] = 0x77;
        message[i++] = (byte) (2 + oid.length);
        message[i++] = (byte) 0x80;
        message[i++] = (byte) oid.length;
        System.arraycopy(oid, 0, message, i, oid.length);
        return message;
    }

    private static void smtpStartTls(Socket socket, String host) throws IOException, Failed {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        expect(in, "220", host, "greeting");
        out.write("EHLO certdesk.check\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<String> capabilities = expect(in, "250", host, "EHLO");
        if (capabilities.stream().noneMatch(line -> line.substring(4).trim().equalsIgnoreCase("STARTTLS"))) {
            throw new Failed(CheckFailure.HANDSHAKE_FAILED, host + " does not offer STARTTLS.");
        }
        out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, "220", host, "STARTTLS");
    }

    /** Reads one SMTP reply (its lines), which must have {@code code}. */
    private static List<String> expect(InputStream in, String code, String host, String step)
            throws IOException, Failed {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = AsciiLines.read(in, MAX_LINE);
            if (line == null || line.length() < 3) {
                throw new Failed(
                        CheckFailure.HANDSHAKE_FAILED, host + " closed the connection at the SMTP " + step + ".");
            }
            lines.add(line.length() == 3 ? line + " " : line);
            if (!line.startsWith(code)) {
                throw new Failed(CheckFailure.HANDSHAKE_FAILED, host + " answered the SMTP " + step + " with: " + line);
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return lines;
            }
            if (lines.size() > 100) {
                throw new Failed(CheckFailure.HANDSHAKE_FAILED, host + " sent too long an SMTP reply.");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to report
        }
    }

    /** Accepts any chain and keeps it: judging it is the account's trust's job, after the handshake. */
    private static final class Recording extends X509ExtendedTrustManager {
        volatile List<X509Certificate> presented = List.of();

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            presented = List.of(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            presented = List.of(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            presented = List.of(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
