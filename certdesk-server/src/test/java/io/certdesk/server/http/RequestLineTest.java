package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.OnBothDatabases;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The method is the request line's: override headers change nothing, and invented methods add nothing to the metrics. */
class RequestLineTest extends OnBothDatabases {
    @Test
    void aMethodOverrideHeaderIsIgnored() {
        String account = server.admin().createVendor("Override " + System.nanoTime());
        var client = ApiClients.create(server, account, null);
        String path = "/api/v1/accounts/" + account + "/api-clients/" + client.id();
        for (String header : java.util.List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            var answer = server.admin().sendWithHeaders("GET", path, Map.of(header, "DELETE"));
            assertThat(answer.status()).as(header).isIn(404, 405);
            var post = server.admin()
                    .sendWithHeaders("POST", "/api/v1/accounts/" + account + "/api-clients", Map.of(header, "DELETE"));
            assertThat(post.status())
                    .as("a POST stays a POST: its missing body is refused")
                    .isIn(400, 415, 422);
        }
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/api-clients")
                        .json()
                        .path("clients")
                        .toString())
                .as("the client is still there")
                .contains(client.id());
    }

    @Test
    void inventedMethodsAddNoSeriesToTheMetrics() {
        server.anonymous().get("/metrics").assertStatus(200);
        for (int i = 0; i < 30; i++) {
            server.anonymous().sendWithHeaders("INVENTED" + i, "/api/v1/anything-" + i, Map.of());
        }
        String first = server.anonymous().get("/metrics").text();
        for (int i = 30; i < 60; i++) {
            server.anonymous().sendWithHeaders("INVENTED" + i, "/api/v1/anything-" + i, Map.of());
        }
        String second = server.anonymous().get("/metrics").text();
        assertThat(second).doesNotContain("INVENTED").contains("method=\"OTHER\"");
        assertThat(second.lines()
                        .filter(l -> l.startsWith("http_server_requests"))
                        .count())
                .isEqualTo(first.lines()
                        .filter(l -> l.startsWith("http_server_requests"))
                        .count());
    }
}
