package io.certdesk.server.outbound;

import io.certdesk.pki.trust.ServerCertificateCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * POSTs a webhook's body to its endpoint, to an address the {@link OutboundGuard} allows only
 * (resolved once, then connected to, so a name cannot change its address in between); over
 * {@code https://}, only after the presented chain verifies against the given anchors and names
 * the host. Whatever the endpoint answers is read no further than its status line and headers.
 */
public final class WebhookPoster {
    private static final int MAX_LINE = 8192;

    private final OutboundGuard guard;
    private final Duration timeout;
    private final Clock clock;

    public WebhookPoster(OutboundGuard guard, Duration timeout, Clock clock) {
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** How a POST went: the HTTP status when one came back (0: none), and a sentence when it did not succeed. */
    public record Outcome(boolean delivered, int status, String detail) {
        static Outcome failed(String detail) {
            return new Outcome(false, 0, detail);
        }
    }

    /** Why a URL cannot be a webhook endpoint, if it cannot (checked when it is registered). */
    public static java.util.Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return java.util.Optional.of("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return java.util.Optional.of("an https:// (or http://) URL is required");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return java.util.Optional.of("the URL names no host");
        }
        if (uri.getRawUserInfo() != null) {
            return java.util.Optional.of(
                    "credentials in the URL are not accepted; the signature authenticates the sender");
        }
        if (uri.getRawFragment() != null) {
            return java.util.Optional.of("a URL with a #fragment is not accepted");
        }
        return java.util.Optional.empty();
    }

    public Outcome post(String url, List<X509Certificate> anchors, Map<String, String> headers, byte[] body) {
        java.util.Optional<String> refused = refusal(url);
        if (refused.isPresent()) {
            return Outcome.failed(url + ": " + refused.get());
        }
        URI uri = URI.create(url);
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort();
        OutboundGuard.Resolved resolved = guard.resolve(host);
        if (resolved.refusal().isPresent()) {
            return Outcome.failed(resolved.refusal().get());
        }
        InetAddress address = resolved.addresses().get(0);
        Socket socket = null;
        Deadline deadline = Deadline.in(timeout); // for the whole delivery: a receiver that trickles is cut off
        try {
            if (tls) {
                TlsProbe.Session session;
                try {
                    session = TlsProbe.open(address, host, port, CheckProtocol.HTTPS, deadline);
                } catch (TlsProbe.Failed e) {
                    return Outcome.failed(e.getMessage());
                }
                socket = session.socket();
                ServerCertificateCheck.Outcome trust =
                        ServerCertificateCheck.check(session.presented(), anchors, host, clock.instant());
                if (!trust.trusted()) {
                    return Outcome.failed(host + ":" + port + " is not trusted: " + trust.message());
                }
            } else {
                socket = deadline.watch(new Socket());
                socket.connect(new InetSocketAddress(address, port), deadline.remainingMillis());
                socket.setSoTimeout(deadline.remainingMillis());
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            StringBuilder request = new StringBuilder()
                    .append("POST ")
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(uri.getRawAuthority())
                    .append("\r\nUser-Agent: certdesk-webhooks\r\nConnection: close\r\n")
                    .append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length)
                    .append("\r\n");
            headers.forEach((name, value) ->
                    request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = AsciiLines.read(in, MAX_LINE);
            if (status == null || !status.matches("HTTP/1\\.[01] \\d{3}.*")) {
                return Outcome.failed(url + " did not answer in HTTP");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            return code >= 200 && code < 300
                    ? new Outcome(true, code, "")
                    : new Outcome(false, code, url + " answered " + code);
        } catch (IOException e) {
            return e instanceof SocketTimeoutException || deadline.passed()
                    ? Outcome.failed(url + " did not answer within " + timeout.toSeconds() + " s")
                    : Outcome.failed(url + ": " + e.getMessage());
        } finally {
            deadline.close();
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing after the answer
                }
            }
        }
    }
}
