package io.certdesk.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Handshakes;
import io.certdesk.server.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under two nodes and comes back: meanwhile the TLS edge serves what it
 * holds, readiness says not ready and changes are refused with a 503 problem; afterwards both nodes
 * recover by themselves (the pool, the LISTEN connection and a reload), without a restart.
 */
class DatabaseOutageTest {
    /** 8 s in the suite; -Dcertdesk.outageSeconds=30 for the long form (docs/benchmarks.md). */
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("certdesk.outageSeconds", 8));

    @Test
    void theEdgeServesWhileTheDatabaseIsAwayChangesAre503AndBothNodesRecoverByThemselves() throws Exception {
        Path data = Files.createTempDirectory("outage-pg");
        EmbeddedPostgres pg = start(data, 0);
        int port = pg.getPort();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE certdesk");
        }
        String url = pg.getJdbcUrl("postgres", "certdesk");
        TestServer a = TestServer.startOnPostgresql(url);
        TestServer b = a.secondNode();
        try {
            String account = a.admin().createVendor("Outage");
            String domain = "terminal-" + System.nanoTime() % 100_000 + ".outage.test";
            a.admin().setDomains(account, domain);
            a.admin()
                    .bindTls(account, domain, a.admin().generateTlsChain(account, domain, Map.of()))
                    .assertStatus(200);
            List<X509Certificate> served = awaitServed(b, domain, Duration.ofSeconds(5));
            var adminA = a.admin();
            var adminB = b.admin();

            pg.close();
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            for (TestServer node : List.of(a, b)) {
                assertThat(Handshakes.presented(node.server().httpsPort(), Optional.of(domain)))
                        .as("the edge serves the chains it holds")
                        .isEqualTo(served);
                node.anonymous().get("/readyz").assertProblem(503, "not_ready");
            }
            var refused = adminA.post("/api/v1/accounts", Map.of("name", "During the outage", "type", "VENDOR"))
                    .assertProblem(503, "not_ready");
            assertThat(refused.header("Retry-After")).isNotNull();
            adminB.get("/api/v1/accounts").assertProblem(503, "not_ready");
            while (System.nanoTime() < outageEnds) {
                assertThat(Handshakes.presented(b.server().httpsPort(), Optional.of(domain)))
                        .isEqualTo(served);
                Thread.sleep(500);
            }

            pg = start(data, port);
            long back = System.nanoTime();
            for (TestServer node : List.of(a, b)) {
                while (node.anonymous().get("/readyz").status() != 200) {
                    assertThat(Duration.ofNanos(System.nanoTime() - back))
                            .as("ready again without a restart")
                            .isLessThan(Duration.ofSeconds(30));
                    Thread.sleep(250);
                }
                System.out.printf(
                        "outage of %d s: node on port %d ready again %d ms after PostgreSQL was back%n",
                        OUTAGE.toSeconds(),
                        node.server().httpsPort(),
                        Duration.ofNanos(System.nanoTime() - back).toMillis());
            }
            // a change through one node reaches the other's edge: its LISTEN connection is back (or it reloaded)
            String later = "kiosk-" + System.nanoTime() % 100_000 + ".outage.test";
            adminA.put("/api/v1/accounts/" + account + "/domains", Map.of("domains", List.of(domain, later)))
                    .assertStatus(200);
            adminA.bindTls(account, later, adminA.generateTlsChain(account, later, Map.of()))
                    .assertStatus(200);
            long changed = System.nanoTime();
            assertThat(awaitServed(b, later, Duration.ofSeconds(30))
                            .get(0)
                            .getSubjectX500Principal()
                            .getName())
                    .contains(later);
            System.out.printf(
                    "a chain bound through one node after the outage was served by the other %d ms later%n",
                    Duration.ofNanos(System.nanoTime() - changed).toMillis());
            assertThat(adminB.get("/api/v1/accounts").text()).contains("Outage").doesNotContain("During the outage");
        } finally {
            b.close();
            a.close();
            pg.close();
        }
    }

    private static EmbeddedPostgres start(Path data, int port) throws Exception {
        var builder = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** The chain node serves for {@code domain}, once it serves one (a node learns of changes within seconds). */
    private static List<X509Certificate> awaitServed(TestServer node, String domain, Duration within)
            throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            List<X509Certificate> chain = Handshakes.presented(node.server().httpsPort(), Optional.of(domain));
            if (chain.get(0).getSubjectX500Principal().getName().contains(domain)) {
                return chain;
            }
            assertThat(System.nanoTime()).as("served within " + within).isLessThan(until);
            Thread.sleep(200);
        }
    }
}
