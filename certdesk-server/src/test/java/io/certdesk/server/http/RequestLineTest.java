package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.OnBothDatabases;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a request is, read strictly: the method is the request line's (override headers change
 * nothing, invented methods add nothing to the metrics), and a body that is not what the route
 * reads is the client's fault (a 400 or 422 problem, never a 500), with nothing stored.
 */
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

    @Test
    void malformedOrMistypedBodiesAreRefusedAsTheClientsFaultAndStoreNothing() {
        String account = server.admin().createVendor("Strict JSON " + System.nanoTime());
        server.admin().setDomains(account, "strict-" + System.nanoTime() % 100_000 + ".json.test");
        String path = "/api/v1/accounts/" + account + "/private-chains/generate";
        int before = server.admin()
                .get("/api/v1/accounts/" + account + "/private-chains")
                .json()
                .path("chains")
                .size();
        String deep = "{\"purpose\":" + "[".repeat(1_200) + "]".repeat(1_200) + "}";
        for (String body : java.util.List.of(deep, "[".repeat(1_200) + "]".repeat(1_200))) {
            var refused = server.admin().sendRaw("POST", path, body.getBytes(), "application/json");
            assertThat(refused.status()).as(refused.text()).isIn(400, 422);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        String longNumber = "{\"purpose\":\"TOKEN_SIGNING\",\"validityDays\":" + "9".repeat(1_001) + "}";
        var tooLong = server.admin().sendRaw("POST", path, longNumber.getBytes(), "application/json");
        assertThat(tooLong.status()).as(tooLong.text()).isIn(400, 422);
        assertThat(tooLong.code()).isIn("malformed_request", "validation_failed");
        for (String value : java.util.List.of("1.5", "\"30\"", "true")) {
            var refused = server.admin()
                    .sendRaw(
                            "POST",
                            path,
                            ("{\"purpose\":\"TOKEN_SIGNING\",\"validityDays\":" + value + "}").getBytes(),
                            "application/json")
                    .assertProblem(422, "validation_failed");
            assertThat(refused.json().path("field").asText()).isEqualTo("validityDays");
            assertThat(refused.json().path("detail").asText()).contains("a whole number");
        }
        server.admin()
                .sendRaw("POST", path, "{\"purpose\":7}".getBytes(), "application/json")
                .assertProblem(422, "validation_failed");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/private-chains")
                        .json()
                        .path("chains")
                        .size())
                .isEqualTo(before);
    }

    @Test
    void whatTheServerRefusesBeforeARouteIsAProblemDocumentNotAnHtmlPage() throws Exception {
        record Case(String request, int status, String code) {}
        for (Case c : java.util.List.of(
                new Case("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "too_large"),
                new Case(
                        "GET /readyz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                        431,
                        "too_large"),
                new Case("GET /readyz HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", 400, "malformed_request"),
                new Case(
                        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400,
                        "malformed_request"))) {
            String answer = raw(c.request());
            assertThat(answer).as(c.request().substring(0, 40)).startsWith("HTTP/1.1 " + c.status());
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
            assertThat(answer).contains("\"code\":\"" + c.code() + "\"").doesNotContain("<html");
        }
    }

    private static String raw(String request) throws Exception {
        javax.net.ssl.SSLSocketFactory tls = io.certdesk.pki.tls.TrustingContext.trustingOnly(
                        java.util.List.of(server.server().platformCa().root()))
                .getSocketFactory();
        try (var socket = (javax.net.ssl.SSLSocket)
                tls.createSocket("127.0.0.1", server.server().httpsPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            var out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (out.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains("}")) {
                        break;
                    }
                }
            } catch (java.io.IOException e) {
                // the server closes after a bad message: what came is the answer
            }
            return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
