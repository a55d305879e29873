package io.certdesk.bench;

import com.sun.net.httpserver.HttpServer;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.app.ServerConfig;
import io.certdesk.server.chains.PkiSettingsStore;
import io.certdesk.server.chains.RenewalStore;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.store.Database;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The lifecycle at a platform's scale: a node (in this process, H2 or PostgreSQL) is given ACCOUNTS
 * accounts (vendors of 99 customers each) with a domain, two generated TLS chains and two trusted
 * CAs each, straight in its database, aged as steady renewal leaves them (each chain between 0 and
 * 265 days old of its 397). Then it measures: the renewal sweep's queries when nothing is due (time
 * and bytes allocated), the renewal of 1 % of the chains made due at once (how long until all are
 * renewed), {@code expiring} for one account and the platform's first page (p50/p99), and webhook
 * pings delivered to a local receiver (per second, and the delay from the answer to the receipt).
 *
 * <p>Usage: {@code LifecycleAtScale [ACCOUNTS] [h2|postgresql]}
 */
public final class LifecycleAtScale {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final String PASSWORD = "lifecycle-at-scale";

    private LifecycleAtScale() {}

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String database = args.length > 1 ? args[1] : "h2";
        ScaleNode.on(database, "certdesk_lifecycle", (label, url) -> run(label, url, accounts));
        System.exit(0);
    }

    private static void run(String label, Optional<String> dbUrl, int accounts) throws Exception {
        SecureRandom random = new SecureRandom();
        ServerConfig config = ScaleNode.config(
                "certdesk-lifecycle-scale",
                dbUrl,
                PASSWORD,
                OutboundGuard.of(List.of("127.0.0.0/8"), List.of(), List.of()));
        try (CertdeskServer server = CertdeskServer.start(config)) {
            Database db = server.database();
            HttpClient http = BenchHttp.trusting(server.platformCa().root());
            String base = "https://localhost:" + server.httpsPort() + "/api/v1";
            String token = BenchHttp.signIn(http, base, PASSWORD);
            // one real generated chain, whose sealed key and certificate every inserted chain shares (the TLS
            // index opens and parses them when a renewal reloads an account)
            String template = BenchHttp.match(
                    ID,
                    BenchHttp.send(
                            http, "POST", base + "/accounts", "{\"name\":\"Template\",\"type\":\"VENDOR\"}", token));
            BenchHttp.send(
                    http,
                    "PUT",
                    base + "/accounts/" + template + "/domains",
                    "{\"domains\":[\"template.lifecycle.scale\"]}",
                    token);
            String templateChain = BenchHttp.match(
                    ID,
                    BenchHttp.send(
                            http,
                            "POST",
                            base + "/accounts/" + template + "/private-chains/generate",
                            "{\"purpose\":\"TLS_SERVER\",\"domain\":\"template.lifecycle.scale\"}",
                            token));
            Template shared = db.read(h -> h.createQuery(
                            "SELECT p.key_id, c.der FROM private_chains p"
                                    + " JOIN private_chain_certificates c ON c.chain_id = p.id AND c.position = 0 WHERE p.id = :id")
                    .bind("id", templateChain)
                    .map((rs, ctx) -> new Template(rs.getString(1), rs.getBytes(2)))
                    .one());
            long t0 = System.nanoTime();
            List<String> ids = populate(db, accounts, random, shared);
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d accounts, %,d chains, %,d trusted CAs inserted in %d s%n",
                    label,
                    accounts,
                    2L * accounts,
                    2L * accounts,
                    (System.nanoTime() - t0) / 1_000_000_000);
            if (dbUrl.isPresent()) { // as autovacuum would soon: statistics of what was just bulk-inserted
                db.inTransaction(h -> h.execute("ANALYZE"));
            }
            Thread.sleep(5_000); // the node's own sweeps settle (expiry notices of the trusted CAs ending soon)

            // the sweep's queries, as the renewal sweep runs them every 2 s, with nothing due
            RenewalStore renewals = new RenewalStore();
            PkiSettingsStore settings = new PkiSettingsStore();
            long[] sweep = new long[50];
            long allocated = 0;
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < sweep.length; i++) {
                Instant now = Instant.now();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                long s = System.nanoTime();
                db.read(h -> renewals.due(h, now, 50).size()
                        + renewals.retiring(h, now, 50).size()
                        + settings.activationsDue(h, now, 50).size());
                sweep[i] = System.nanoTime() - s;
                allocated += threads.getCurrentThreadAllocatedBytes() - a0;
            }
            Arrays.sort(sweep);
            System.out.printf(
                    Locale.ROOT,
                    "%s: a renewal sweep with nothing due: p50 %.2f ms, p99 %.2f ms, %,d bytes allocated%n",
                    label,
                    sweep[sweep.length / 2] / 1e6,
                    sweep[sweep.length - 1] / 1e6,
                    allocated / sweep.length);

            // 1 % made due at once
            int due = accounts * 2 / 100;
            Instant past = Instant.now().minusSeconds(1);
            db.inTransaction(h -> h.createUpdate("UPDATE chain_renewals SET renew_at = :at WHERE chain_id IN"
                            + " (SELECT chain_id FROM chain_renewals ORDER BY renew_at LIMIT :n)")
                    .bind("at", Database.utc(past))
                    .bind("n", due)
                    .execute());
            System.gc();
            long heapBefore = usedHeap();
            long r0 = System.nanoTime();
            int renewed;
            while ((renewed = db.read(
                            h -> h.createQuery("SELECT COUNT(*) FROM chain_renewals WHERE renewed_at IS NOT NULL")
                                    .mapTo(Integer.class)
                                    .one()))
                    < due) {
                Thread.sleep(200);
            }
            long took = System.nanoTime() - r0;
            long heapAfter = usedHeap();
            System.gc();
            System.out.printf(
                    Locale.ROOT,
                    "%s: 1 %% due (%,d chains): all renewed in %.1f s (%.0f renewals/s), heap %+,d KiB during, %+,d KiB after a GC%n",
                    label,
                    renewed,
                    took / 1e9,
                    renewed / (took / 1e9),
                    (heapAfter - heapBefore) / 1024,
                    (usedHeap() - heapBefore) / 1024);

            String one = ids.get(ids.size() / 2);
            long[] account =
                    timed(200, () -> BenchHttp.get(http, base + "/accounts/" + one + "/expiring?within=P400D", token));
            long[] platform =
                    timed(50, () -> BenchHttp.get(http, base + "/platform/expiring?within=P30D&limit=100", token));
            System.out.printf(
                    Locale.ROOT,
                    "%s: expiring of one account (4 items within P400D): p50 %.1f ms, p99 %.1f ms;"
                            + " the platform's first page of 100 (P30D): p50 %.1f ms, p99 %.1f ms%n",
                    label,
                    account[account.length / 2] / 1e6,
                    account[account.length * 99 / 100] / 1e6,
                    platform[platform.length / 2] / 1e6,
                    platform[platform.length * 99 / 100] / 1e6);

            webhooks(label, http, base, token, one);
        }
    }

    /** Pings sent as fast as the API answers them, delivered to a receiver in this process. */
    private static void webhooks(String label, HttpClient http, String base, String token, String account)
            throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> delays = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger received = new AtomicInteger();
        Pattern eventId = Pattern.compile("\"eventId\":\"([^\"]+)\"");
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            exchange.getRequestBody().readAllBytes();
            long now = System.nanoTime();
            Long sent = sentAt.get(id);
            if (sent != null) {
                delays.add(now - sent);
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        receiver.start();
        try {
            String hook = BenchHttp.match(
                    ID,
                    BenchHttp.send(
                            http,
                            "POST",
                            base + "/accounts/" + account + "/webhooks",
                            "{\"url\":\"http://127.0.0.1:"
                                    + receiver.getAddress().getPort() + "/bench\",\"events\":[\"chain.renewed\"]}",
                            token));
            // at a steady pace (40 a second): the delay from a change's answer to its delivery
            int paced = 400;
            for (int i = 0; i < paced; i++) {
                long s = System.nanoTime();
                String answer = BenchHttp.send(
                        http, "POST", base + "/accounts/" + account + "/webhooks/" + hook + "/ping", "{}", token);
                sentAt.put(BenchHttp.match(eventId, answer), s);
                Thread.sleep(25);
            }
            while (received.get() < paced) {
                Thread.sleep(20);
            }
            long[] steady = delays.stream().mapToLong(Long::longValue).sorted().toArray();
            // then as fast as the API takes them: how many deliveries a second one endpoint gets
            delays.clear();
            int pings = 2_000;
            long w0 = System.nanoTime();
            for (int i = 0; i < pings; i++) {
                long s = System.nanoTime();
                String answer = BenchHttp.send(
                        http, "POST", base + "/accounts/" + account + "/webhooks/" + hook + "/ping", "{}", token);
                sentAt.put(BenchHttp.match(eventId, answer), s);
            }
            long sent = System.nanoTime();
            while (received.get() < paced + pings) {
                Thread.sleep(20);
            }
            long done = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "%s: webhook pings to one endpoint, 40 a second: delay from the ping's answer to its receipt"
                            + " p50 %.1f ms, p99 %.1f ms; %,d as fast as the API takes them (sent in %.1f s): all"
                            + " delivered %.1f s after the first, %.0f deliveries/s (one endpoint, in order)%n",
                    label,
                    steady[steady.length / 2] / 1e6,
                    steady[steady.length * 99 / 100] / 1e6,
                    pings,
                    (sent - w0) / 1e9,
                    (done - w0) / 1e9,
                    pings / ((done - w0) / 1e9));
        } finally {
            receiver.stop(0);
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static long[] timed(int n, Call call) throws Exception {
        for (int i = 0; i < 10; i++) {
            call.run();
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            call.run();
            out[i] = System.nanoTime() - s;
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * Vendors with 99 customers each, a domain each, two generated EC chains (steady ages) and two
     * trusted CAs (1 % ending within 30 days), inserted in batches; returns the account ids.
     */
    private record Template(String keyId, byte[] der) {}

    private static List<String> populate(Database db, int accounts, SecureRandom random, Template template) {
        String keyId = template.keyId();
        Instant now = Instant.now();
        byte[] der = template.der();
        List<String> ids = new ArrayList<>();
        String vendor = null;
        int batch = 2_000;
        for (int from = 0; from < accounts; from += batch) {
            int to = Math.min(accounts, from + batch);
            List<String[]> rows = new ArrayList<>();
            for (int i = from; i < to; i++) {
                String id = UUID.randomUUID().toString();
                if (i % 100 == 0) {
                    vendor = id;
                    rows.add(new String[] {id, "VENDOR", null});
                } else {
                    rows.add(new String[] {id, "CUSTOMER", vendor});
                }
                ids.add(id);
            }
            int first = from;
            db.inTransaction(h -> {
                var acc = h.prepareBatch("INSERT INTO accounts (id, name, type, parent_id, created_at)"
                        + " VALUES (:id, :n, :t, :p, :at)");
                var dom = h.prepareBatch("INSERT INTO domains (name, account_id, created_at) VALUES (:n, :a, :at)");
                var chain = h.prepareBatch(
                        "INSERT INTO private_chains (id, account_id, origin, purposes, subject, not_before,"
                                + " not_after, key_algorithm, key_size, sha256, key_id, created_at) VALUES (:id, :a, 'GENERATED',"
                                + " 'TLS_SERVER', :s, :nb, :na, 'EC', 256, :sha, :k, :at)");
                var cert = h.prepareBatch("INSERT INTO private_chain_certificates (chain_id, position, der, not_after)"
                        + " VALUES (:c, 0, :der, :na)");
                var name = h.prepareBatch("INSERT INTO private_chain_names (chain_id, name) VALUES (:c, :n)");
                var renewal = h.prepareBatch(
                        "INSERT INTO chain_renewals (chain_id, account_id, renew_at) VALUES (:c, :a, :r)");
                var ca = h.prepareBatch(
                        "INSERT INTO trusted_cas (id, account_id, sha256, der, subject, issuer, serial_number,"
                                + " not_before, not_after, is_ca, key_algorithm, key_size, signature_algorithm, self_signed, created_at)"
                                + " VALUES (:id, :a, :sha, :der, :s, :s, '01', :nb, :na, TRUE, 'RSA', 2048, 'SHA256withRSA', TRUE, :at)");
                for (int i = 0; i < rows.size(); i++) {
                    String[] r = rows.get(i);
                    int n = first + i;
                    acc.bind("id", r[0])
                            .bind("n", "Scale " + n)
                            .bind("t", r[1])
                            .bind("p", r[2])
                            .bind("at", Database.utc(now))
                            .add();
                    String domain = "a" + n + ".lifecycle.scale";
                    dom.bind("n", domain)
                            .bind("a", r[0])
                            .bind("at", Database.utc(now))
                            .add();
                    for (int k = 0; k < 2; k++) {
                        String chainId = UUID.randomUUID().toString();
                        Instant nb = now.minus(Duration.ofSeconds(random.nextLong(265L * 86_400)));
                        Instant na = nb.plus(Duration.ofDays(397));
                        chain.bind("id", chainId)
                                .bind("a", r[0])
                                .bind("s", "CN=" + domain)
                                .bind("nb", Database.utc(nb))
                                .bind("na", Database.utc(na))
                                .bind(
                                        "sha",
                                        UUID.randomUUID().toString().replace("-", "")
                                                + "00000000000000000000000000000000")
                                .bind("k", keyId)
                                .bind("at", Database.utc(nb))
                                .add();
                        cert.bind("c", chainId)
                                .bind("der", der)
                                .bind("na", Database.utc(na))
                                .add();
                        name.bind("c", chainId).bind("n", domain).add();
                        renewal.bind("c", chainId)
                                .bind("a", r[0])
                                .bind(
                                        "r",
                                        Database.utc(nb.plus(Duration.ofDays(397)
                                                .multipliedBy(67)
                                                .dividedBy(100))))
                                .add();
                        Instant caEnd = random.nextInt(100) == 0
                                ? now.plus(Duration.ofDays(1 + random.nextInt(29)))
                                : now.plus(Duration.ofDays(400 + random.nextInt(3000)));
                        ca.bind("id", UUID.randomUUID().toString())
                                .bind("a", r[0])
                                .bind(
                                        "sha",
                                        UUID.randomUUID().toString().replace("-", "")
                                                + "00000000000000000000000000000000")
                                .bind("der", der)
                                .bind("s", "CN=Trusted " + n + "-" + k)
                                .bind("nb", Database.utc(now.minus(Duration.ofDays(400))))
                                .bind("na", Database.utc(caEnd))
                                .bind("at", Database.utc(now))
                                .add();
                    }
                }
                acc.execute();
                dom.execute();
                chain.execute();
                cert.execute();
                name.execute();
                renewal.execute();
                ca.execute();
                return null;
            });
        }
        return ids;
    }
}
