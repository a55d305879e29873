package io.certdesk.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A webhook endpoint on 127.0.0.1 (plain HTTP): records every request as it came, and answers
 * the statuses it was told to, in order, then 204.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** A request as received: its headers (names in lower case) and body. */
    public record Received(String path, Map<String, String> headers, String body, int answered) {}

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Deque<Integer> answers = new ArrayDeque<>();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            int status;
            synchronized (this) {
                status = answers.isEmpty() ? 204 : answers.removeFirst();
                received.add(new Received(
                        exchange.getRequestURI().getPath(), headers, new String(body, StandardCharsets.UTF_8), status));
                notifyAll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests are answered with these statuses, in order. */
    public synchronized void answer(Integer... statuses) {
        answers.addAll(List.of(statuses));
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits up to {@code seconds} for at least {@code count} requests; returns them all. */
    public synchronized List<Received> await(int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (received.size() < count && System.nanoTime() < deadline) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
