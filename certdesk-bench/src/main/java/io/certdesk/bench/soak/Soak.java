package io.certdesk.bench.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.certdesk.bench.crash.CrashConsistency;
import io.certdesk.bench.crash.Https;
import io.certdesk.bench.crash.NodeProcess;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Soak: two nodes as an operator runs them ({@code java -jar certdesk.jar serve}) on one
 * PostgreSQL, under a mixed load for a length of time: token requests, full TLS handshakes for an
 * account's domain, PKCS#12 imports (each deleted again, so the data stays the same size), list
 * pages, and connection checks to a local HTTPS server at 15 a minute (the limit is 20). Every
 * minute each node is asked for a full GC and its heap is read from {@code /metrics}. Reports, per
 * minute and kind, the count and p99, the 5xx answers, failed handshakes and transport errors.
 *
 * <p>{@code java -cp benchmarks.jar io.certdesk.bench.soak.Soak [--minutes N] [--seconds N]
 * [--workers N] [--jar certdesk.jar] [--db-url URL]} (see {@code scripts/soak.sh}); the test suite
 * runs a short form (SoakTest).
 */
public final class Soak {
    static final String ADMIN_PASSWORD = "soak-admin-password";
    static final String DOMAIN = "kiosk.soak.test";
    static final String IMPORT_DOMAIN = "import.soak.test";
    static final String P12_PASSWORD = "soak-p12-password";

    /** What the load does. */
    public enum Kind {
        TOKEN,
        HANDSHAKE,
        LIST,
        IMPORT,
        CHECK
    }

    /** One kind's requests in one minute. */
    public record Stats(int count, double p50Millis, double p99Millis) {}

    /** One minute of the run: per kind, and each node's heap after a full GC (bytes). */
    public record Minute(int minute, Map<Kind, Stats> kinds, List<Long> heapAfterGc) {}

    public record Report(
            Duration length,
            int workers,
            List<Minute> minutes,
            Map<Kind, Integer> counts,
            int serverErrors,
            int failedHandshakes,
            int transportErrors,
            int unexpected,
            List<String> samples) {
        /** Heap after GC of the last minute against minute 2's (the first after warm-up), per node; 0 when too short. */
        public List<Double> heapGrowth() {
            List<Double> growth = new ArrayList<>();
            if (minutes.size() < 3) {
                return growth;
            }
            Minute base = minutes.get(1);
            Minute last = minutes.get(minutes.size() - 1);
            for (int node = 0; node < base.heapAfterGc().size(); node++) {
                growth.add((double) last.heapAfterGc().get(node)
                                / base.heapAfterGc().get(node)
                        - 1);
            }
            return growth;
        }

        public String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("%-6s", "minute"));
            for (Kind k : Kind.values()) {
                out.append(String.format(" | %-9s %6s %8s", k.name().toLowerCase(), "n", "p99 ms"));
            }
            out.append(" | heap after GC (MiB, per node)\n");
            for (Minute m : minutes) {
                out.append(String.format("%-6d", m.minute()));
                for (Kind k : Kind.values()) {
                    Stats s = m.kinds().get(k);
                    out.append(String.format(" | %-9s %6d %8.1f", "", s.count(), s.p99Millis()));
                }
                out.append(" |");
                for (long heap : m.heapAfterGc()) {
                    out.append(String.format(" %.1f", heap / 1048576.0));
                }
                out.append('\n');
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return String.format(
                    "%s with %d workers on two nodes: %s requests; 5xx: %d, failed handshakes: %d, transport errors: %d,"
                            + " other unexpected answers: %d; heap growth from minute 2: %s%s",
                    length,
                    workers,
                    counts,
                    serverErrors,
                    failedHandshakes,
                    transportErrors,
                    unexpected,
                    heapGrowth().stream()
                            .map(g -> String.format("%+.1f%%", g * 100))
                            .toList(),
                    samples.isEmpty() ? "" : "; first: " + samples);
        }
    }

    private final Map<Kind, ConcurrentLinkedQueue<Long>> window = new EnumMap<>(Kind.class);
    private final Map<Kind, AtomicInteger> counts = new EnumMap<>(Kind.class);
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger failedHandshakes = new AtomicInteger();
    private final AtomicInteger transportErrors = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private Soak() {
        for (Kind k : Kind.values()) {
            window.put(k, new ConcurrentLinkedQueue<>());
            counts.put(k, new AtomicInteger());
        }
    }

    /** Runs the soak against two nodes of {@code jar} on the PostgreSQL at {@code postgresUrl} (user postgres). */
    public static Report run(Path jar, String postgresUrl, Duration length, int workers, Path work) throws Exception {
        return new Soak().soak(jar, postgresUrl, length, workers, work);
    }

    private Report soak(Path jar, String postgresUrl, Duration length, int workers, Path work) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = Map.of(
                "CERTDESK_ADMIN_PASSWORD",
                ADMIN_PASSWORD,
                "CERTDESK_MASTER_KEY",
                Base64.getEncoder().encodeToString(key));
        List<NodeProcess> nodes = new ArrayList<>();
        HttpsServer peer = null;
        try {
            Instant now = Instant.now();
            var peerRoot = TestCa.certificate("O=Soak,CN=Soak Peer Root")
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                    .build();
            var peerLeaf = TestCa.certificate("CN=127.0.0.1")
                    .issuedBy(peerRoot)
                    .endEntity()
                    .ip("127.0.0.1")
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            peer = https(peerLeaf, peerRoot.certificate());
            int peerPort = peer.getAddress().getPort();
            for (int i = 1; i <= 2; i++) {
                Path dir = Files.createDirectories(work.resolve("node-" + i));
                nodes.add(new NodeProcess(
                        jar,
                        dir,
                        Optional.of(postgresUrl),
                        env,
                        dir,
                        List.of("--outbound-ports", String.valueOf(peerPort))));
            }
            List<Integer> ports = new ArrayList<>();
            ports.add(nodes.get(0).start());
            X509Certificate ca = CrashConsistency.platformCa(nodes.get(0).dataDir());
            ports.add(nodes.get(1).start());

            Https admin = Https.to(ports.get(0), ca).signedIn("admin", ADMIN_PASSWORD);
            String account = created(admin.send(
                            "POST",
                            "/api/v1/accounts",
                            Https.JSON
                                    .createObjectNode()
                                    .put("name", "Soak Print")
                                    .put("type", "VENDOR")))
                    .path("id")
                    .asText();
            String base = "/api/v1/accounts/" + account;
            ObjectNode domains = Https.JSON.createObjectNode();
            domains.putArray("domains").add(DOMAIN).add(IMPORT_DOMAIN);
            ok(admin.send("PUT", base + "/domains", domains));
            ObjectNode generate =
                    Https.JSON.createObjectNode().put("purpose", "TLS_SERVER").put("domain", DOMAIN);
            var chain = created(admin.send("POST", base + "/private-chains/generate", generate));
            String servedSha256 = chain.path("sha256").asText();
            String signing = created(admin.send(
                            "POST",
                            base + "/private-chains/generate",
                            Https.JSON.createObjectNode().put("purpose", "TOKEN_SIGNING")))
                    .path("id")
                    .asText();
            ObjectNode settings = Https.JSON.createObjectNode().put("signingChainId", signing);
            settings.putObject("tlsBindings").put(DOMAIN, chain.path("id").asText());
            ok(admin.send("PUT", base + "/pki-settings", settings));
            var client = created(admin.send(
                    "POST", base + "/api-clients", Https.JSON.createObjectNode().put("name", "Soak fleet")));
            String clientId = client.path("clientId").asText();
            String clientSecret = client.path("clientSecret").asText();

            created(admin.upload(base + "/trusted-cas", Pem.bytes(Pem.certificate(peerRoot.certificate())), null));
            var importRoot = TestCa.certificate("O=Soak,CN=Soak Import Root")
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                    .build();
            var importLeaf = TestCa.certificate("CN=" + IMPORT_DOMAIN)
                    .issuedBy(importRoot)
                    .endEntity()
                    .dns(IMPORT_DOMAIN)
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            byte[] p12 = Pkcs12Files.jdk(
                    importLeaf.key(),
                    List.of(importLeaf.certificate(), importRoot.certificate()),
                    P12_PASSWORD.toCharArray(),
                    P12_PASSWORD.toCharArray());
            for (int port : ports) {
                servedBy(port, ca, servedSha256); // the binding made on the first node has reached the second
            }

            List<Https> apis = new ArrayList<>();
            List<Https> anonymous = new ArrayList<>();
            for (int port : ports) {
                apis.add(Https.to(port, ca).signedIn("admin", ADMIN_PASSWORD));
                anonymous.add(Https.to(port, ca));
            }
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                threads.add(started("soak-" + w, () -> {
                    int n = worker;
                    while (running) {
                        int node = n++ % 2;
                        load(
                                apis.get(node),
                                anonymous.get(node),
                                ports.get(node),
                                ca,
                                base,
                                clientId,
                                clientSecret,
                                servedSha256,
                                p12);
                    }
                }));
            }
            threads.add(started("soak-checks", () -> {
                int n = 0;
                while (running) {
                    long started = System.nanoTime();
                    ObjectNode check = Https.JSON
                            .createObjectNode()
                            .put("host", "127.0.0.1")
                            .put("port", peerPort)
                            .put("protocol", "HTTPS");
                    Https node = apis.get(n % 2);
                    timed(Kind.CHECK, () -> {
                        Https.Answer a = node.send("POST", base + "/trust/check", check);
                        expect(Kind.CHECK, a, 200);
                        if (a.status() == 200 && !a.json().path("ok").asBoolean(false)) {
                            unexpected.incrementAndGet();
                            note("check of the local server not trusted: " + abbreviate(a.text()));
                        }
                    });
                    n++;
                    sleepUntil(started + 4_000_000_000L); // 15 a minute
                }
            }));

            List<Minute> minutes = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            int minute = 0;
            while (System.nanoTime() < end) {
                long next = Math.min(end, start + (minute + 1) * 60_000_000_000L);
                sleepUntil(next);
                minute++;
                Map<Kind, Stats> kinds = new EnumMap<>(Kind.class);
                for (Kind k : Kind.values()) {
                    kinds.put(k, stats(window.get(k)));
                }
                List<Long> heaps = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    heaps.add(heapAfterGc(nodes.get(i).pid(), anonymous.get(i)));
                }
                minutes.add(new Minute(minute, kinds, heaps));
                System.out.printf(
                        "minute %d: %s, heap %s%n",
                        minute,
                        kinds,
                        heaps.stream().map(h -> h / 1048576 + " MiB").toList());
            }
            running = false;
            for (Thread t : threads) {
                t.join(60_000);
            }
            Map<Kind, Integer> total = new EnumMap<>(Kind.class);
            counts.forEach((k, v) -> total.put(k, v.get()));
            return new Report(
                    length,
                    workers,
                    minutes,
                    total,
                    serverErrors.get(),
                    failedHandshakes.get(),
                    transportErrors.get(),
                    unexpected.get(),
                    List.copyOf(samples));
        } finally {
            running = false;
            if (peer != null) {
                peer.stop(0);
            }
            for (NodeProcess node : nodes) {
                node.kill();
            }
        }
    }

    /** One request of a kind drawn by weight: tokens 40 %, handshakes 30 %, lists 20 %, imports 10 %. */
    private void load(
            Https api,
            Https anonymous,
            int port,
            X509Certificate ca,
            String base,
            String clientId,
            String clientSecret,
            String servedSha256,
            byte[] p12) {
        int draw = ThreadLocalRandom.current().nextInt(100);
        if (draw < 40) {
            timed(
                    Kind.TOKEN,
                    () -> expect(
                            Kind.TOKEN,
                            anonymous.form(
                                    base + "/oauth2/token", "grant_type=client_credentials", clientId, clientSecret),
                            200));
        } else if (draw < 70) {
            timed(Kind.HANDSHAKE, () -> handshake(port, ca, servedSha256));
        } else if (draw < 90) {
            timed(Kind.LIST, () -> {
                expect(Kind.LIST, api.get(base + "/private-chains?limit=50"), 200);
                expect(Kind.LIST, api.get(base + "/trusted-cas?limit=50"), 200);
            });
        } else {
            timed(Kind.IMPORT, () -> {
                Https.Answer imported = api.upload(base + "/private-chains/import", p12, P12_PASSWORD);
                if (expect(Kind.IMPORT, imported, 201)) {
                    String id =
                            imported.json().path("imported").get(0).path("id").asText();
                    expect(Kind.IMPORT, api.send("DELETE", base + "/private-chains/" + id, null), 204);
                }
            });
        }
    }

    /** A full handshake counted as failed, with what went wrong, unless it presented the bound chain. */
    private void handshake(int port, X509Certificate ca, String servedSha256) throws Exception {
        String problem = handshakeProblem(port, ca, servedSha256);
        if (problem != null) {
            failedHandshakes.incrementAndGet();
            note(problem);
        }
    }

    /**
     * A full handshake (a fresh context: no resumption) for {@link #DOMAIN}: null when it presented
     * the bound chain's leaf, else what went wrong.
     */
    private static String handshakeProblem(int port, X509Certificate ca, String servedSha256) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(DOMAIN)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            Certificate leaf = socket.getSession().getPeerCertificates()[0];
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
            return sha.equalsIgnoreCase(servedSha256)
                    ? null
                    : "handshake presented " + sha + ", not the bound chain " + servedSha256;
        } catch (javax.net.ssl.SSLException e) {
            return "handshake failed: " + e;
        }
    }

    /** Waits (10 s at most) until the node at {@code port} presents the bound chain for {@link #DOMAIN}. */
    private static void servedBy(int port, X509Certificate ca, String servedSha256) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String problem;
        while ((problem = handshakeProblem(port, ca, servedSha256)) != null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "setup: the node on port " + port + " does not serve the bound chain: " + problem);
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private void timed(Kind kind, Call call) {
        long started = System.nanoTime();
        try {
            call.run();
        } catch (Exception e) {
            if (e instanceof IOException && !running) {
                return; // cut off by the end of the run
            }
            transportErrors.incrementAndGet();
            note(kind + ": " + e);
        }
        window.get(kind).add(System.nanoTime() - started);
        counts.get(kind).incrementAndGet();
    }

    private boolean expect(Kind kind, Https.Answer answer, int status) {
        if (answer.status() >= 500) {
            serverErrors.incrementAndGet();
            note(kind + " answered " + answer.status() + ": " + abbreviate(answer.text()));
            return false;
        }
        if (answer.status() != status) {
            unexpected.incrementAndGet();
            note(kind + " answered " + answer.status() + " (expected " + status + "): " + abbreviate(answer.text()));
            return false;
        }
        return true;
    }

    private void note(String sample) {
        if (samples.size() < 10) {
            samples.add(sample);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** Takes the minute's latencies out of {@code queue}. */
    private static Stats stats(ConcurrentLinkedQueue<Long> queue) {
        List<Long> values = new ArrayList<>();
        for (Long v; (v = queue.poll()) != null; ) {
            values.add(v);
        }
        if (values.isEmpty()) {
            return new Stats(0, 0, 0);
        }
        values.sort(null);
        return new Stats(
                values.size(),
                values.get((int) Math.min(values.size() - 1, Math.floor(values.size() * 0.50))) / 1e6,
                values.get((int) Math.min(values.size() - 1, Math.ceil(values.size() * 0.99) - 1)) / 1e6);
    }

    private static final Pattern LIVE_DATA =
            Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*\\})? ([0-9.E+-]+)$", Pattern.MULTILINE);

    /**
     * The node's heap after a full GC ({@code jcmd PID GC.run}): the live data the collector found,
     * as /metrics says ({@code jvm_gc_live_data_size_bytes}), not counting what was allocated since.
     */
    private static long heapAfterGc(long pid, Https node) throws Exception {
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(pid),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        gc.getInputStream().readAllBytes();
        if (gc.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " GC.run failed");
        }
        Https.Answer metrics = node.get("/metrics");
        Matcher m = LIVE_DATA.matcher(metrics.text());
        if (!m.find()) {
            throw new IllegalStateException("no jvm_gc_live_data_size_bytes in the node's /metrics");
        }
        return (long) Double.parseDouble(m.group(1));
    }

    private static HttpsServer https(TestCa.Issued leaf, X509Certificate root) throws Exception {
        char[] password = "peer".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", leaf.key(), password, new Certificate[] {leaf.certificate(), root});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static com.fasterxml.jackson.databind.JsonNode created(Https.Answer answer) {
        if (answer.status() != 201) {
            throw new IllegalStateException("setup: expected 201, got " + answer.status() + " " + answer.text());
        }
        return answer.json();
    }

    private static void ok(Https.Answer answer) {
        if (answer.status() != 200) {
            throw new IllegalStateException("setup: expected 200, got " + answer.status() + " " + answer.text());
        }
    }

    private static Thread started(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMinutes(10);
        int workers = 8;
        Path jar = Path.of("certdesk-server/target/certdesk.jar");
        String dbUrl = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> length = Duration.ofMinutes(Long.parseLong(args[i + 1]));
                case "--seconds" -> length = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--db-url" -> dbUrl = args[i + 1];
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--minutes N, --seconds N, --workers N, --jar FILE, --db-url URL)");
            }
        }
        Path work = Files.createTempDirectory("certdesk-soak");
        System.out.println("work folder " + work);
        EmbeddedPostgres postgres = null;
        if (dbUrl == null) {
            postgres = EmbeddedPostgres.builder().start();
            try (var c = postgres.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE certdesk_soak");
            }
            dbUrl = postgres.getJdbcUrl("postgres", "certdesk_soak");
        }
        Report report;
        try {
            report = run(jar, dbUrl, length, workers, work);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        System.out.println(report.table());
        System.out.println(report);
        boolean heapFlat = report.heapGrowth().stream().allMatch(g -> g <= 0.10);
        boolean clean = report.serverErrors() == 0
                && report.failedHandshakes() == 0
                && report.transportErrors() == 0
                && report.unexpected() == 0;
        System.exit(clean && heapFlat ? 0 : 1);
    }
}
