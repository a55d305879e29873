package io.certdesk.bench.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A webhook endpoint in the harness's process: every delivery it took (answered 204), with its
 * {@code webhook-id}, event type and chain id.
 */
final class Receiver implements AutoCloseable {
    record Delivery(String webhookId, String type, String chainId) {}

    private final HttpServer server;
    final List<Delivery> taken = Collections.synchronizedList(new ArrayList<>());

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode event = Https.JSON.readTree(body);
            taken.add(new Delivery(
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    event.path("type").asText(),
                    event.path("data").path("chainId").asText()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/crash";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
