package io.certdesk.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load client for OCSP responders, for servers wrk cannot drive (OpenSSL's responder serves one
 * connection at a time and waits forever on the empty connection wrk opens first): CONNECTIONS
 * threads each send requests one after another, a new connection per request (as OpenSSL's and
 * most OCSP clients do) or kept alive, and read each answer whole. Prints the answers per second,
 * failures and latency percentiles.
 *
 * <p>Usage: {@code OcspLoad HOST PORT get PATHS_FILE - SECONDS CONNECTIONS close|keep-alive} or
 * {@code OcspLoad HOST PORT post DER_LIST_FILE PATH SECONDS CONNECTIONS close|keep-alive}
 */
public final class OcspLoad {
    private OcspLoad() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        boolean post = args[2].equals("post");
        List<String> lines = Files.readAllLines(Path.of(args[3]));
        String postPath = args[4];
        double seconds = Double.parseDouble(args[5]);
        int connections = Integer.parseInt(args[6]);
        boolean keepAlive = args[7].equals("keep-alive");
        List<byte[]> requests = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String connection = keepAlive ? "" : "Connection: close\r\n";
            if (post) {
                byte[] body = Files.readAllBytes(Path.of(line));
                byte[] head = ("POST " + postPath + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + connection
                                + "Content-Type: application/ocsp-request\r\nContent-Length: " + body.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] all = Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                requests.add(all);
            } else {
                requests.add(("GET " + line + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + connection + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long[][] latencies = new long[connections][];
        Thread[] threads = new Thread[connections];
        long started = System.nanoTime();
        for (int t = 0; t < connections; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                int next = me;
                Socket socket = null;
                InputStream in = null;
                OutputStream out = null;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        if (socket == null) {
                            socket = new Socket();
                            socket.setTcpNoDelay(true);
                            socket.connect(new InetSocketAddress(host, port), 5_000);
                            socket.setSoTimeout(10_000);
                            in = new BufferedInputStream(socket.getInputStream(), 8192);
                            out = socket.getOutputStream();
                        }
                        out.write(requests.get(next++ % requests.size()));
                        out.flush();
                        boolean closes = readAnswer(in);
                        if (!keepAlive || closes) {
                            socket.close();
                            socket = null;
                        }
                        done.incrementAndGet();
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - t0;
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        try {
                            if (socket != null) {
                                socket.close();
                            }
                        } catch (IOException ignored) {
                            // broken anyway
                        }
                        socket = null;
                    }
                }
                latencies[me] = Arrays.copyOf(mine, n);
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] all =
                Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "done %d failed %d seconds %.2f rate %.0f p50_ms %.2f p99_ms %.2f%n",
                done.get(),
                failed.get(),
                elapsed,
                done.get() / elapsed,
                percentile(all, 0.50) / 1e6,
                percentile(all, 0.99) / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** Reads one answer (a 200 with a Content-Length) whole; true when the server closes after it. */
    private static boolean readAnswer(InputStream in) throws IOException {
        String status = line(in);
        if (status == null
                || !status.startsWith("HTTP/1.")
                || !status.substring(9).startsWith("200")) {
            throw new IOException("answered " + status);
        }
        long length = -1;
        boolean closes = status.startsWith("HTTP/1.0");
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:")) {
                closes = lower.contains("close");
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length");
        }
        for (long left = length; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("cut short");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return closes;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
