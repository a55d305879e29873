package io.certdesk.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A minimal HTTP/1.1 client for OCSP responders and CRLs (plain {@code http://}, as RFC 5280
 * and RFC 6960 publish them), that connects only to addresses the {@link OutboundGuard} allows:
 * a URL inside a certificate is chosen by whoever issued it.
 */
final class GuardedHttp {
    static final int MAX_BODY = 1 << 20;
    private static final int MAX_LINE = 8192;

    private final OutboundGuard guard;
    private final Duration timeout;

    GuardedHttp(OutboundGuard guard, Duration timeout) {
        this.guard = guard;
        this.timeout = timeout;
    }

    /** The body of a 200 answer within this client's timeout for the whole exchange; empty (with why in {@code why}) for anything else. */
    Optional<byte[]> fetch(String url, String contentType, byte[] post, StringBuilder why) {
        try (Deadline deadline = Deadline.in(timeout)) {
            return fetch(url, contentType, post, why, deadline);
        }
    }

    /** As {@link #fetch(String, String, byte[], StringBuilder)}, within {@code deadline} (a check's, shared with its other steps). */
    Optional<byte[]> fetch(String url, String contentType, byte[] post, StringBuilder why, Deadline deadline) {
        if (deadline.passed()) {
            why.append(url).append(" was not asked: the time for the whole check was up");
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            why.append("not a URL: ").append(url);
            return Optional.empty();
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            why.append("only http:// responders are asked (").append(url).append(")");
            return Optional.empty();
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        OutboundGuard.Resolved resolved = guard.resolve(uri.getHost());
        if (resolved.refusal().isPresent()) {
            why.append(resolved.refusal().get());
            return Optional.empty();
        }
        try {
            try (Socket socket = deadline.watch(new Socket())) {
                socket.connect(new InetSocketAddress(resolved.addresses().get(0), port), deadline.remainingMillis());
                socket.setSoTimeout(deadline.remainingMillis());
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) {
                    path += "?" + uri.getRawQuery();
                }
                StringBuilder request = new StringBuilder()
                        .append(post == null ? "GET " : "POST ")
                        .append(path)
                        .append(" HTTP/1.1\r\n")
                        .append("Host: ")
                        .append(uri.getHost())
                        .append(uri.getPort() < 0 ? "" : ":" + port)
                        .append("\r\n")
                        .append("Connection: close\r\nUser-Agent: certdesk\r\n");
                if (post != null) {
                    request.append("Content-Type: ")
                            .append(contentType)
                            .append("\r\nContent-Length: ")
                            .append(post.length)
                            .append("\r\n");
                }
                request.append("\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
                if (post != null) {
                    out.write(post);
                }
                out.flush();
                return read(socket.getInputStream(), url, why);
            }
        } catch (IOException e) {
            if (deadline.passed()) {
                why.append(url)
                        .append(" did not answer within ")
                        .append(deadline.limit().toSeconds())
                        .append(" s");
            } else {
                why.append(url).append(" did not answer: ").append(e.getMessage());
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            why.append(url).append(" answered with a length that is not a number");
            return Optional.empty();
        }
    }

    private static Optional<byte[]> read(InputStream in, String url, StringBuilder why) throws IOException {
        String status = line(in);
        if (status == null || !status.matches("HTTP/1\\.[01] \\d{3}.*")) {
            why.append(url).append(" did not answer in HTTP");
            return Optional.empty();
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (int i = 0; i < 100; i++) {
            String header = line(in);
            if (header == null || header.isEmpty()) {
                break;
            }
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (code != 200) {
            why.append(url).append(" answered ").append(code);
            return Optional.empty();
        }
        if (length > MAX_BODY) {
            why.append(url).append(" answered with more than ").append(MAX_BODY).append(" bytes");
            return Optional.empty();
        }
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = size == null ? 0 : Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    return Optional.of(body.toByteArray());
                }
                if (body.size() + n > MAX_BODY) {
                    why.append(url)
                            .append(" answered with more than ")
                            .append(MAX_BODY)
                            .append(" bytes");
                    return Optional.empty();
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            why.append(url).append(" answered with more than ").append(MAX_BODY).append(" bytes");
            return Optional.empty();
        }
        return Optional.of(body);
    }

    private static String line(InputStream in) throws IOException {
        return AsciiLines.read(in, MAX_LINE);
    }
}
