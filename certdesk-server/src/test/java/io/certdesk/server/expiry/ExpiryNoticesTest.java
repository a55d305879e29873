package io.certdesk.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.testing.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An account hears of an end once per threshold it set, across a restart, and once more when it
 * comes; the metrics count what ends soon.
 */
class ExpiryNoticesTest extends FreshServerOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock();

    /** The notices received, each event once (a receiver drops a delivery whose webhook-id it has seen). */
    private static List<String> notices(WebhookReceiver receiver) throws Exception {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (WebhookReceiver.Received r : receiver.received()) {
            if (!seen.add(r.headers().get("webhook-id"))) {
                continue;
            }
            JsonNode event = JSON.readTree(r.body());
            out.add(event.path("type").asText() + ":"
                    + event.path("data").path("thresholdDays").asText("end"));
        }
        return out;
    }

    /**
     * Moves the clock and waits for the notices told so far to be {@code expected} (a notice told
     * twice shows at the latest in the next step's list, or in the last one's, which waits longer).
     */
    private void advanceAndExpect(WebhookReceiver receiver, Duration by, List<String> expected, boolean thenWait)
            throws Exception {
        clock.advance(by);
        io.certdesk.server.testing.Eventually.holds(
                expected.get(expected.size() - 1),
                Duration.ofSeconds(15),
                () -> notices(receiver).size() >= expected.size());
        if (thenWait) {
            Thread.sleep(ExpiryNotices.PERIOD.multipliedBy(2).toMillis()); // two sweeps later, nothing else has come
        }
        assertThat(notices(receiver)).isEqualTo(expected);
    }

    @Test
    void eachThresholdIsToldOnceAcrossARestartAndTheEndOnceMore() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            server = TestServer.startWithOutbound(database, List.of("127.0.0.0/8"), clock);
            Api admin = server.admin();
            String account = admin.createVendor("Notices");
            admin.setDomains(account, "kiosk.notices.test");
            admin.put("/api/v1/accounts/" + account + "/lifecycle-settings", Map.of("autoRenew", false))
                    .assertStatus(200);
            admin.post(
                            "/api/v1/accounts/" + account + "/webhooks",
                            Map.of(
                                    "url",
                                    receiver.url("/notices"),
                                    "events",
                                    List.of("certificate.expiring", "certificate.expired")))
                    .assertStatus(201);
            String chain = admin.generateTlsChain(account, "kiosk.notices.test", Map.of("validityDays", 40));
            admin.bindTls(account, "kiosk.notices.test", chain).assertStatus(200);
            Thread.sleep(ExpiryNotices.PERIOD.multipliedBy(2).toMillis());
            assertThat(receiver.received()).as("40 days left: nothing yet").isEmpty();

            List<String> expected = new ArrayList<>(List.of("certificate.expiring:30"));
            advanceAndExpect(receiver, Duration.ofDays(11), expected, false); // 29 days left
            JsonNode first = JSON.readTree(receiver.received().get(0).body()).path("data");
            assertThat(first.path("kind").asText()).isEqualTo("CHAIN");
            assertThat(first.path("id").asText()).isEqualTo(chain);
            assertThat(first.path("daysLeft").asInt()).isEqualTo(28);
            assertThat(first.path("servesDomains")).extracting(JsonNode::asText).containsExactly("kiosk.notices.test");

            server.restart(server.masterKey());
            advanceAndExpect(receiver, Duration.ofHours(1), expected, true); // after the restart: not told again
            expected.add("certificate.expiring:14");
            advanceAndExpect(receiver, Duration.ofDays(16), expected, false); // 13 days left
            expected.add("certificate.expiring:7");
            advanceAndExpect(receiver, Duration.ofDays(7), expected, false); // 6 days left
            expected.add("certificate.expiring:1");
            advanceAndExpect(receiver, Duration.ofDays(5).plusHours(12), expected, false); // half a day left
            expected.add("certificate.expired:end");
            advanceAndExpect(receiver, Duration.ofDays(1), expected, true);

            String metrics = server.anonymous().get("/metrics").text();
            assertThat(metrics)
                    .contains("certdesk_certificates_expiring{kind=\"CHAIN\",within_days=\"1\"} 1.0")
                    .contains("certdesk_certificates_soonest_end_seconds{kind=\"CHAIN\"}")
                    .contains("certdesk_platform_ca_end_seconds{subject=");
            assertThat(metrics.lines()
                            .filter(l ->
                                    l.startsWith("certdesk_certificates_soonest_end_seconds{kind=\"NODE_SERVER\"}")))
                    .as("the node's own certificate is counted")
                    .singleElement()
                    .asString()
                    .doesNotEndWith("NaN");
        }
    }
}
