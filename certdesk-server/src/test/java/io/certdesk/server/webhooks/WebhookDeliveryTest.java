package io.certdesk.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.testing.WebhookReceiver;
import io.certdesk.server.testing.WebhookVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Webhooks as a receiver sees them: events signed as Standard Webhooks says (verified with its
 * reference library), delivered at least once from the outbox, retried on its schedule with the
 * same id, in order, across restarts, once across nodes, and never to a denied address.
 */
class WebhookDeliveryTest extends FreshServerOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock();

    private static String hooks(String account) {
        return "/api/v1/accounts/" + account + "/webhooks";
    }

    private static JsonNode register(Api admin, String account, String url, List<String> events) {
        return admin.post(hooks(account), Map.of("url", url, "events", events, "description", "test receiver"))
                .assertStatus(201)
                .json();
    }

    /** The newest delivery in an endpoint's log. */
    private static JsonNode latest(Api admin, String log) {
        return admin.get(log).json().path("deliveries").get(0);
    }

    private static JsonNode body(WebhookReceiver.Received r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void anAutomaticRenewalIsToldSignedAndRetriedWithTheSameIdUntilTheReceiverTakesIt() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            server = TestServer.startWithOutbound(database, List.of("127.0.0.0/8"), clock);
            Api admin = server.admin();
            String account = admin.createVendor("Webhooks");
            admin.setDomains(account, "print.hooks.test");
            JsonNode hook = register(admin, account, receiver.url("/certdesk"), List.of("chain.renewed"));
            String secret = hook.path("secret").asText();
            assertThat(secret).startsWith("whsec_");
            assertThat(admin.get(hooks(account)).json().path("webhooks").get(0).has("secret"))
                    .as("the secret is shown once")
                    .isFalse();
            String chain = admin.generateTlsChain(account, "print.hooks.test", Map.of("validityDays", 3));
            receiver.answer(500, 503, 502);

            clock.advance(Duration.ofDays(2).plusHours(1)); // past 67 % of 3 days: renewed by itself
            assertThat(receiver.await(1, 10)).as("the first attempt at once").hasSize(1);
            Api later = server.adminSignedInAgain();
            String log = hooks(account) + "/" + hook.path("id").asText() + "/deliveries";
            Eventually.holds(
                    "the failure is logged",
                    () -> latest(later, log).path("attempts").asInt() == 1);
            JsonNode first = latest(later, log);
            assertThat(first.path("status").asText()).isEqualTo("PENDING");
            assertThat(first.path("lastStatus").asInt()).isEqualTo(500);
            assertThat(Duration.between(
                            Instant.parse(first.path("lastAttemptAt").asText()),
                            Instant.parse(first.path("nextAttemptAt").asText())))
                    .isEqualTo(Duration.ofSeconds(5));

            // each failure is recorded (its retry time set) before the clock moves on
            clock.advance(Duration.ofSeconds(6));
            assertThat(receiver.await(2, 10)).hasSize(2);
            Eventually.holds(
                    "the second failure is logged",
                    () -> latest(later, log).path("attempts").asInt() == 2);
            clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            assertThat(receiver.await(3, 10)).hasSize(3);
            Eventually.holds(
                    "the third failure is logged",
                    () -> latest(later, log).path("attempts").asInt() == 3);
            clock.advance(Duration.ofMinutes(30).plusSeconds(1));
            List<WebhookReceiver.Received> got = receiver.await(4, 10);
            assertThat(got).as("taken on the fourth try").hasSize(4);
            assertThat(got.stream().map(r -> r.headers().get("webhook-id")).distinct())
                    .as("the same webhook-id each time")
                    .hasSize(1);
            assertThat(got.get(3).answered()).isEqualTo(204);
            JsonNode event = body(got.get(3));
            assertThat(event.path("type").asText()).isEqualTo("chain.renewed");
            assertThat(event.path("data").path("renewedFrom").asText()).isEqualTo(chain);
            assertThat(event.path("data").path("automatic").asBoolean()).isTrue();
            assertThat(event.path("data").path("accountId").asText()).isEqualTo(account);
            Eventually.holds(
                    "delivered",
                    () -> latest(later, log).path("status").asText().equals("DELIVERED"));
            assertThat(latest(later, log).path("attempts").asInt()).isEqualTo(4);

            WebhookReceiver.Received last = got.get(3);
            Instant signedAt =
                    Instant.ofEpochSecond(Long.parseLong(last.headers().get("webhook-timestamp")));
            assertThat(WebhookVerifier.verify(secret, List.of(last), signedAt))
                    .containsExactly("ok chain.renewed " + last.headers().get("webhook-id"));
            WebhookReceiver.Received tampered = new WebhookReceiver.Received(
                    last.path(), last.headers(), last.body().replace(chain, "someone-elses-chain"), 204);
            assertThat(WebhookVerifier.verify(secret, List.of(tampered), signedAt)
                            .get(0))
                    .as("the reference library refuses what was changed")
                    .startsWith("refused");
            assertThat(server.anonymous().get("/metrics").text())
                    .contains("certdesk_webhook_deliveries_total{outcome=\"delivered\"} 1.0")
                    .contains("certdesk_webhook_deliveries_total{outcome=\"failed\"} 3.0");
        }
    }

    @Test
    void aReceiverOnADeniedAddressIsNeverCalled() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            server = TestServer.start(database, KeyType.EC_P256, clock); // loopback denied, as by default
            Api admin = server.admin();
            String account = admin.createVendor("Denied hooks");
            JsonNode hook = register(admin, account, receiver.url("/hook"), List.of("chain.imported"));
            admin.post(hooks(account) + "/" + hook.path("id").asText() + "/ping", Map.of())
                    .assertStatus(202);
            String log = hooks(account) + "/" + hook.path("id").asText() + "/deliveries";
            Eventually.holds(
                    "the attempt is logged",
                    () -> latest(admin, log).path("attempts").asInt() == 1);
            assertThat(latest(admin, log).path("lastError").asText()).contains("not an allowed destination");
            clock.advance(Duration.ofSeconds(6));
            Eventually.holds(
                    "tried again", () -> latest(admin, log).path("attempts").asInt() == 2);
            assertThat(receiver.received()).as("never called").isEmpty();
        }
    }

    @Test
    void eventsLeftInTheOutboxAcrossARestartAreEachDeliveredOnceInOrder() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            server = TestServer.startWithOutbound(database, List.of("127.0.0.0/8"), clock);
            Api admin = server.admin();
            String account = admin.createVendor("Restarted hooks");
            admin.setDomains(account, "a.restart-hooks.test");
            register(
                    admin,
                    account,
                    receiver.url("/in-order"),
                    List.of("chain.renewed", "chain.revoked", "chain.deleted"));
            receiver.answer(503);
            String chain = admin.generateTlsChain(account, "a.restart-hooks.test", Map.of());
            String renewed = admin.post("/api/v1/accounts/" + account + "/private-chains/" + chain + "/renew", Map.of())
                    .assertStatus(201)
                    .json()
                    .path("id")
                    .asText();
            admin.post(
                            "/api/v1/accounts/" + account + "/private-chains/" + renewed + "/revoke",
                            Map.of("reason", "keyCompromise"))
                    .assertStatus(200);
            admin.delete("/api/v1/accounts/" + account + "/private-chains/" + renewed)
                    .assertStatus(204);
            assertThat(receiver.await(1, 10)).hasSize(1); // the first refused; the others wait behind it
            Thread.sleep(500);
            assertThat(receiver.received())
                    .as("in order: nothing passes the one being retried")
                    .hasSize(1);

            Eventually.holds(
                    "the failure is recorded",
                    () -> admin
                            .get(hooks(account) + "/"
                                    + admin.get(hooks(account))
                                            .json()
                                            .path("webhooks")
                                            .get(0)
                                            .path("id")
                                            .asText()
                                    + "/deliveries")
                            .json()
                            .path("deliveries")
                            .findValues("attempts")
                            .stream()
                            .anyMatch(a -> a.asInt() == 1));
            server.restart(server.masterKey());
            clock.advance(Duration.ofSeconds(6));
            List<WebhookReceiver.Received> got = receiver.await(4, 15);
            assertThat(got).hasSize(4);
            List<String> types = new ArrayList<>();
            for (WebhookReceiver.Received r : got.subList(1, 4)) {
                types.add(body(r).path("type").asText());
            }
            assertThat(types).containsExactly("chain.renewed", "chain.revoked", "chain.deleted");
            Thread.sleep(1500);
            Map<String, Integer> taken = new HashMap<>();
            receiver.received().stream()
                    .filter(r -> r.answered() < 300)
                    .forEach(r -> taken.merge(r.headers().get("webhook-id"), 1, Integer::sum));
            assertThat(taken).hasSize(3);
            assertThat(taken.values()).as("none twice once taken").containsOnly(1);
        }
    }

    @Test
    void twoNodesRenewOnceAndDeliverEachEventOnce() throws Exception {
        Assumptions.assumeTrue(database == TestDatabase.POSTGRESQL, "several nodes share a PostgreSQL database");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            server = TestServer.startWithOutbound(database, List.of("127.0.0.0/8"), clock);
            TestServer second = server.secondNode();
            try {
                Api admin = server.admin();
                String account = admin.createVendor("Two nodes");
                List<String> domains = List.of("a.two.test", "b.two.test", "c.two.test", "d.two.test");
                admin.setDomains(account, domains.toArray(new String[0]));
                register(admin, account, receiver.url("/two"), List.of("chain.renewed"));
                Set<String> chains = new HashSet<>();
                for (String domain : domains) {
                    chains.add(admin.generateTlsChain(account, domain, Map.of("validityDays", 3)));
                }
                clock.advance(Duration.ofDays(2).plusHours(1));
                List<WebhookReceiver.Received> got = receiver.await(4, 30);
                Thread.sleep(3000); // both nodes have swept again meanwhile
                got = receiver.received();
                Map<String, Integer> renewedFrom = new HashMap<>();
                for (WebhookReceiver.Received r : got) {
                    renewedFrom.merge(body(r).path("data").path("renewedFrom").asText(), 1, Integer::sum);
                }
                assertThat(renewedFrom.keySet()).as("each chain renewed").isEqualTo(chains);
                assertThat(renewedFrom.values()).as("once, and told once").containsOnly(1);
                assertThat(server.adminSignedInAgain()
                                .get("/api/v1/accounts/" + account + "/private-chains")
                                .json()
                                .path("chains")
                                .size())
                        .as("four renewed, four new, and the signing chain")
                        .isEqualTo(9);
            } finally {
                second.stop();
            }
        }
    }

    @Test
    void registrationsThatCannotWorkAreRefusedWithNothingStored() {
        server = TestServer.start(database);
        Api admin = server.admin();
        String account = admin.createVendor("Refused hooks");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("url", "ftp://receiver.example/hook", "events", List.of("chain.renewed")),
                Map.of("url", "https://user:pass@receiver.example/hook", "events", List.of("chain.renewed")),
                Map.of("url", "https://receiver.example/hook", "events", List.of()),
                Map.of("url", "https://receiver.example/hook", "events", List.of("chain.exploded")),
                Map.of("url", "https://receiver.example/" + "x".repeat(2000), "events", List.of("chain.renewed")))) {
            admin.post(hooks(account), bad).assertProblem(422, "validation_failed");
        }
        assertThat(admin.get(hooks(account)).json().path("webhooks")).isEmpty();
        for (int i = 0; i < WebhookService.MAX_PER_ACCOUNT; i++) {
            register(admin, account, "https://receiver.example/hook/" + i, List.of("chain.renewed"));
        }
        admin.post(
                        hooks(account),
                        Map.of("url", "https://receiver.example/one-more", "events", List.of("chain.renewed")))
                .assertProblem(422, "validation_failed");
        assertThat(admin.get(hooks(account)).json().path("webhooks")).hasSize(WebhookService.MAX_PER_ACCOUNT);

        String other = admin.createVendor("Other hooks");
        admin.createUser(other, "hooks-outsider", "hooks-outsider-password");
        Api outsider = server.anonymous().login("hooks-outsider", "hooks-outsider-password");
        String someId = admin.get(hooks(account))
                .json()
                .path("webhooks")
                .get(0)
                .path("id")
                .asText();
        outsider.get(hooks(account)).assertProblem(404, "not_found");
        outsider.delete(hooks(account) + "/" + someId).assertProblem(404, "not_found");
        outsider.get("/api/v1/platform/webhooks").assertProblem(403, "forbidden");
        outsider.post(
                        "/api/v1/platform/webhooks",
                        Map.of("url", "https://x.example/", "events", List.of("chain.renewed")))
                .assertProblem(403, "forbidden");
        assertThat(admin.get(hooks(account)).json().path("webhooks")).hasSize(WebhookService.MAX_PER_ACCOUNT);
        admin.delete(hooks(account) + "/" + someId).assertStatus(204);
        assertThat(admin.get(hooks(account)).json().path("webhooks")).hasSize(WebhookService.MAX_PER_ACCOUNT - 1);
    }
}
