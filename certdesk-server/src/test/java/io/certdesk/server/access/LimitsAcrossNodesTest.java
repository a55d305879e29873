package io.certdesk.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.outbound.ConnectionCheckService;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.ApiClients.Client;
import io.certdesk.server.testing.Checks;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL allow what one node would: failed sign-ins, failed client
 * authentications and connection checks are counted in the database, not per node.
 */
class LimitsAcrossNodesTest {
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() {
        a = TestServer.startWithOutbound(TestDatabase.POSTGRESQL, List.of("127.0.0.0/8"), List.of());
        b = a.secondNode();
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    @Test
    void failedSignInsOnEitherNodeCountTowardsOneLimit() {
        String account = a.admin().createVendor("Two nodes sign-in");
        a.admin().createUser(account, "two-node-user", "the-right-password");
        for (int i = 0; i < 5; i++) {
            TestServer node = i % 2 == 0 ? a : b; // three failures on one node, two on the other
            node.anonymous()
                    .post("/api/v1/auth/login", Map.of("username", "two-node-user", "password", "wrong-" + i))
                    .assertProblem(401, "unauthorized");
        }
        for (TestServer node : List.of(a, b)) {
            node.anonymous()
                    .post("/api/v1/auth/login", Map.of("username", "two-node-user", "password", "the-right-password"))
                    .assertProblem(429, "too_many_attempts");
        }
    }

    @Test
    void failedClientAuthenticationsOnEitherNodeCountTowardsOneLimit() {
        String account = a.admin().createVendor("Two nodes tokens " + System.nanoTime());
        Client client = ApiClients.create(a, account, null);
        for (int i = 0; i < 5; i++) {
            TestServer node = i % 2 == 0 ? a : b;
            var refused = ApiClients.tokenResponse(
                    node,
                    account,
                    new Client(account, client.id(), "wrong-" + i).basic(),
                    "grant_type=client_credentials");
            assertThat(refused.status()).isEqualTo(401);
        }
        for (TestServer node : List.of(a, b)) {
            var throttled = ApiClients.tokenResponse(node, account, client.basic(), "grant_type=client_credentials");
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.json().path("error").asText()).isEqualTo("too_many_attempts");
        }
    }

    @Test
    void connectionChecksOnEitherNodeCountTowardsOneRate() {
        String account = a.admin().createVendor("Two nodes checks " + System.nanoTime());
        for (int i = 0; i < ConnectionCheckService.RATE_PER_MINUTE; i++) {
            TestServer node = i % 2 == 0 ? a : b;
            // nothing listens on 127.0.0.1:636 here: each check ends at once
            assertThat(Checks.check(node, account, Checks.target("LDAPS", 636))
                            .path("validation")
                            .path("code")
                            .asText())
                    .isEqualTo("connect_failed");
        }
        for (TestServer node : List.of(a, b)) {
            var refused = node.admin()
                    .post("/api/v1/accounts/" + account + "/trust/check", Checks.target("LDAPS", 636))
                    .assertProblem(429, "too_many_attempts");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        }
    }
}
