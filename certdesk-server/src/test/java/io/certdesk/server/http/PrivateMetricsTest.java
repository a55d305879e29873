package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With --metrics-token the series are the operator's: /metrics answers only the bearer of the token. */
class PrivateMetricsTest {
    private static final String TOKEN = "metrics-" + "s3cret-for-prometheus";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.startWithMetricsToken(TestDatabase.H2, TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsAnswerOnlyTheBearerOfTheMetricsTokenAndHealthStaysOpen() {
        server.anonymous().get("/metrics").assertProblem(401, "unauthorized");
        server.anonymous()
                .sendWithHeaders("GET", "/metrics", Map.of("Authorization", "Bearer " + TOKEN + "x"))
                .assertProblem(401, "unauthorized");
        server.anonymous()
                .sendWithHeaders("GET", "/metrics", Map.of("Authorization", "Basic " + TOKEN))
                .assertProblem(401, "unauthorized");
        assertThat(server.admin().get("/metrics").status())
                .as("a signed-in admin's session is not the metrics token")
                .isEqualTo(401);

        var scraped = server.anonymous().sendWithHeaders("GET", "/metrics", Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.text()).contains("certdesk_tls_chains");

        server.anonymous().get("/healthz").assertStatus(200);
        server.anonymous().get("/readyz").assertStatus(200);
    }
}
