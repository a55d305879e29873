package io.certdesk.bench;

import io.certdesk.bench.crash.NodeProcess;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.account.AccountType;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.app.ServerConfig;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.chains.ChainOrigin;
import io.certdesk.server.chains.ChainStore;
import io.certdesk.server.chains.PkiSettingsStore;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.chains.RenewalStore;
import io.certdesk.server.chains.SigningState;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.keys.SealedKeyStore;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A platform at its scale, measured on a node of {@code certdesk.jar}: ACCOUNTS accounts (vendors
 * of 99 customers each; one account in ten has three domains, the others one), each with a TLS
 * chain and a token-signing chain issued by the platform CA (EC P-256, a key of its own, sealed
 * under the master key) chosen in its PKI settings, and ten trusted CAs (from a pool of 100 real
 * CA certificates, as accounts trust the same public CAs). They are written straight into the
 * database through the server's own stores, in batches, by a node in this process; then a node
 * process is started on that database and measured:
 *
 * <ul>
 *   <li>start-up: from the launch of the process to the first handshake that presents an
 *       account's chain, and the TLS edge's own load time from its log;
 *   <li>heap after a full GC against an empty node's, per TLS chain held, beyond its DER;
 *   <li>p50/p99 of one account's chain list and trusted CA list, of a PKCS#12 import, of a token,
 *       and of the platform admin's account list: its first page and a page half-way through;
 *   <li>the database's size per account.
 * </ul>
 *
 * <p>Usage: {@code PlatformAtScale JAR [ACCOUNTS] [h2|postgresql|both]}; {@code -Dbench.node.heap}
 * sets the node's -Xmx (default 512m).
 */
public final class PlatformAtScale {
    private static final String PASSWORD = "platform-at-scale";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final int TRUSTED_PER_ACCOUNT = 10;
    private static final int CA_POOL = 100;
    private static final int BATCH = 500;
    private static final int SAMPLES = 400;

    private PlatformAtScale() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String databases = args.length > 2 ? args[2] : "both";
        Path work = Files.createTempDirectory("platform-at-scale");
        if (!databases.equals("postgresql")) {
            run("H2", jar, work.resolve("h2"), accounts, Optional.empty(), Optional.empty());
        }
        if (!databases.equals("h2")) {
            try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
                for (String name : List.of("certdesk_scale", "certdesk_empty")) {
                    try (var c = pg.getPostgresDatabase().getConnection()) {
                        c.createStatement().execute("CREATE DATABASE " + name);
                    }
                }
                run(
                        "PostgreSQL",
                        jar,
                        work.resolve("pg"),
                        accounts,
                        Optional.of(pg.getJdbcUrl("postgres", "certdesk_scale")),
                        Optional.of(pg.getJdbcUrl("postgres", "certdesk_empty")));
            }
        }
        System.exit(0);
    }

    private record Populated(List<String> accounts, List<String> domains, long databaseBytes, long derBytes) {}

    private static void run(
            String label, Path jar, Path work, int accounts, Optional<String> dbUrl, Optional<String> emptyDbUrl)
            throws Exception {
        Files.createDirectories(work);
        SecureRandom random = new SecureRandom();
        MasterKey master = MasterKey.generate(random);
        Path keyFile = work.resolve("master.key");
        Files.write(keyFile, master.bytes());
        Path data = Files.createDirectories(work.resolve("data"));

        long p0 = System.nanoTime();
        Populated populated = populate(label, data, dbUrl, master, accounts, random);
        System.out.printf(
                Locale.ROOT,
                "%s: %,d accounts, %,d chains, %,d trusted CAs written in %d s%n",
                label,
                accounts,
                2L * accounts,
                (long) TRUSTED_PER_ACCOUNT * accounts,
                (System.nanoTime() - p0) / 1_000_000_000);

        // an empty node first: the heap a node holds before any account
        Path emptyData = Files.createDirectories(work.resolve("empty"));
        Path emptyKey = work.resolve("empty-master.key");
        Files.write(emptyKey, MasterKey.generate(random).bytes());
        NodeProcess empty = node(jar, emptyData, emptyDbUrl, emptyKey);
        long emptyHeap;
        empty.start();
        try {
            Thread.sleep(5_000);
            emptyHeap = heapAfterGc(empty.pid());
        } finally {
            empty.kill();
        }

        NodeProcess node = node(jar, data, dbUrl, keyFile);
        long launched = System.nanoTime();
        int port = node.start();
        try {
            long serving = System.nanoTime();
            String probe = populated.domains().get(populated.domains().size() / 2);
            int attempts = 0;
            while (!servesOwnChain(port, probe)) {
                attempts++;
                Thread.sleep(20);
            }
            long handshake = System.nanoTime();
            List<String> log = Files.readAllLines(data.resolve("node-1.err"));
            String edge = log.stream()
                    .filter(l -> l.contains("chains of"))
                    .map(l -> l.substring(l.indexOf("TLS edge:")))
                    .findFirst()
                    .orElse("(no TLS edge line)");
            String phases = log.stream()
                    .filter(l -> l.contains("Start-up:"))
                    .map(l -> l.substring(l.indexOf("Start-up:")))
                    .findFirst()
                    .orElse("(no start-up line)");
            System.out.printf(
                    Locale.ROOT,
                    "%s: start-up to the first handshake presenting an account's chain: %.1f s (serving said at %.1f s,"
                            + " %d handshakes before it presented the account's); %s; %s%n",
                    label,
                    (handshake - launched) / 1e9,
                    (serving - launched) / 1e9,
                    attempts,
                    edge,
                    phases);

            // the keys the first handshakes did not open are opened in the background: the heap is measured after
            String opened = "(no keys-opened line within 120 s)";
            for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; ) {
                Optional<String> line = Files.readAllLines(data.resolve("node-1.err")).stream()
                        .filter(l -> l.contains("keys opened in"))
                        .map(l -> l.substring(l.indexOf("TLS edge:")))
                        .findFirst();
                if (line.isPresent()) {
                    opened = line.get();
                    break;
                }
                Thread.sleep(200);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %s (%.1f s after the launch)%n",
                    label,
                    opened,
                    (System.nanoTime() - launched) / 1e9);
            Thread.sleep(2_000);
            long heap = heapAfterGc(node.pid());
            double perChain = (heap - emptyHeap) / (double) accounts;
            System.out.printf(
                    Locale.ROOT,
                    "%s: heap after a full GC %,d KiB (an empty node %,d KiB): %.0f B per TLS chain held,"
                            + " %.0f B beyond its DER (%.0f B on average)%n",
                    label,
                    heap / 1024,
                    emptyHeap / 1024,
                    perChain,
                    perChain - populated.derBytes() / (double) accounts,
                    populated.derBytes() / (double) accounts);

            latencies(label, node, port, populated, random);
            System.out.printf(
                    Locale.ROOT,
                    "%s: database %,d MiB after writing, %,.1f KiB per account%n",
                    label,
                    populated.databaseBytes() >> 20,
                    populated.databaseBytes() / 1024.0 / accounts);
        } finally {
            node.kill();
        }
    }

    private static NodeProcess node(Path jar, Path data, Optional<String> dbUrl, Path keyFile) {
        return new NodeProcess(
                jar,
                data,
                dbUrl,
                Map.of("CERTDESK_ADMIN_PASSWORD", PASSWORD),
                data,
                List.of("--master-key-file", keyFile.toString()));
    }

    /** Writes the accounts through a node in this process; returns what the measurements need. */
    private static Populated populate(
            String label, Path data, Optional<String> dbUrl, MasterKey master, int accounts, SecureRandom random)
            throws Exception {
        ServerConfig config = ScaleNode.config(
                data, dbUrl, PASSWORD, master, OutboundGuard.of(List.of("127.0.0.0/8"), List.of(), List.of()));
        List<String> ids = new ArrayList<>(accounts);
        List<String> domains = new ArrayList<>(accounts);
        long[] der = new long[1];
        long bytes;
        try (CertdeskServer server = CertdeskServer.start(config)) {
            Database db = server.database();
            KeyVault vault = new KeyVault(new KeySealer(master, random), new SealedKeyStore(), Clock.systemUTC());
            CertificateIssuer poolIssuer = new CertificateIssuer(Clock.systemUTC(), random);
            List<X509Certificate> pool = IntStream.range(0, CA_POOL)
                    .parallel()
                    .mapToObj(i -> poolIssuer
                            .createPlatformCa("Trusted Pool " + i, KeyType.EC_P256, Duration.ofDays(3650))
                            .root())
                    .toList();
            List<CertificateInfo> poolInfo =
                    pool.stream().map(CertificateInfo::of).toList();
            List<byte[]> poolDer =
                    pool.stream().map(CertificateCodec::encodeDer).toList();
            AccountStore accountStore = new AccountStore();
            ChainStore chains = new ChainStore();
            IssuedCertificateStore issued = new IssuedCertificateStore();
            RenewalStore renewals = new RenewalStore();
            PkiSettingsStore settings = new PkiSettingsStore();
            String vendor = null;
            long started = System.nanoTime();
            for (int from = 0; from < accounts; from += BATCH) {
                int to = Math.min(accounts, from + BATCH);
                Instant now = Instant.now();
                List<Account> batch = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    String id = UUID.randomUUID().toString();
                    boolean isVendor = i % 100 == 0;
                    if (isVendor) {
                        vendor = id;
                    }
                    List<String> names = i % 10 == 0
                            ? List.of("a" + i + ".scale.test", "b" + i + ".scale.test", "c" + i + ".scale.test")
                            : List.of("a" + i + ".scale.test");
                    batch.add(new Account(
                            id,
                            "Scale " + i,
                            isVendor ? AccountType.VENDOR : AccountType.CUSTOMER,
                            isVendor ? Optional.empty() : Optional.of(vendor),
                            names,
                            now.plusNanos(i * 1_000L)));
                }
                // issuing (key generation and signatures) on every core, outside the transaction
                List<IssuedChain[]> made = batch.parallelStream()
                        .map(a -> new IssuedChain[] {
                            server.platformCa().issueTls(a.domains().get(0), KeyType.EC_P256, Duration.ofDays(397)),
                            server.platformCa()
                                    .issueTokenSigning(a.name(), a.id(), KeyType.EC_P256, Duration.ofDays(730))
                        })
                        .toList();
                int first = from;
                db.inTransaction(h -> {
                    var domainRows =
                            h.prepareBatch("INSERT INTO domains (name, account_id, created_at) VALUES (:n, :a, :at)");
                    for (Account a : batch) {
                        accountStore.insert(h, a);
                        for (String name : a.domains()) {
                            domainRows
                                    .bind("n", name)
                                    .bind("a", a.id())
                                    .bind("at", Database.utc(now))
                                    .add();
                        }
                    }
                    domainRows.execute();
                    var trusted = h.prepareBatch("INSERT INTO trusted_cas (id, account_id, sha256, der, subject,"
                            + " issuer, serial_number, not_before, not_after, is_ca, key_algorithm, key_size,"
                            + " signature_algorithm, self_signed, created_at) VALUES (:id, :a, :sha, :der, :s, :i,"
                            + " :sn, :nb, :na, :ca, :alg, :size, :sig, :self, :at)");
                    for (int k = 0; k < batch.size(); k++) {
                        Account a = batch.get(k);
                        IssuedChain tls = made.get(k)[0];
                        IssuedChain signing = made.get(k)[1];
                        PrivateChain served =
                                chain(a, tls, vault.put(h, a.id(), tls.privateKey()), ChainPurpose.TLS_SERVER, now);
                        PrivateChain signer = chain(
                                a,
                                signing,
                                vault.put(h, a.id(), signing.privateKey()),
                                ChainPurpose.TOKEN_SIGNING,
                                now);
                        for (var c : List.of(served, signer)) {
                            List<X509Certificate> certs = c == served ? tls.chain() : signing.chain();
                            chains.insert(h, c, certs);
                            issued.record(
                                    h,
                                    certs.get(0),
                                    certs.get(1),
                                    c == served ? IssuedFor.TLS_SERVER : IssuedFor.TOKEN_SIGNING,
                                    Optional.of(a.id()),
                                    Optional.of(c.id()),
                                    c.dnsNames(),
                                    now);
                            Duration life = Duration.between(c.notBefore(), c.notAfter());
                            renewals.schedule(
                                    h,
                                    c.id(),
                                    a.id(),
                                    Optional.of(c.notBefore()
                                            .plus(life.multipliedBy(2).dividedBy(3))),
                                    Optional.empty());
                        }
                        der[0] += CertificateCodec.encodeDer(tls.chain().get(0)).length;
                        settings.save(
                                h,
                                a.id(),
                                new SigningState(
                                        Optional.of(signer.id()),
                                        Optional.empty(),
                                        Optional.empty(),
                                        SigningState.DEFAULT_LIFETIME,
                                        SigningState.DEFAULT_LIFETIME,
                                        Optional.empty()),
                                now);
                        int n = first + k;
                        for (int t = 0; t < TRUSTED_PER_ACCOUNT; t++) {
                            int p = (n * 7 + t * 13) % CA_POOL;
                            CertificateInfo info = poolInfo.get(p);
                            trusted.bind("id", UUID.randomUUID().toString())
                                    .bind("a", a.id())
                                    .bind("sha", info.sha256())
                                    .bind("der", poolDer.get(p))
                                    .bind("s", info.subject())
                                    .bind("i", info.issuer())
                                    .bind("sn", info.serialNumber())
                                    .bind("nb", Database.utc(info.notBefore()))
                                    .bind("na", Database.utc(info.notAfter()))
                                    .bind("ca", info.isCa())
                                    .bind("alg", info.keyAlgorithm())
                                    .bind("size", info.keySize())
                                    .bind("sig", info.signatureAlgorithm())
                                    .bind("self", info.selfSigned())
                                    .bind("at", Database.utc(now))
                                    .add();
                        }
                    }
                    trusted.execute();
                    return null;
                });
                for (Account a : batch) {
                    ids.add(a.id());
                    domains.add(a.domains().get(0));
                }
                if (to % 10_000 == 0 || to == accounts) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s: %,d accounts written (%.0f a second)%n",
                            label,
                            to,
                            to / ((System.nanoTime() - started) / 1e9));
                }
            }
            if (dbUrl.isPresent()) { // as autovacuum would soon: statistics of what was just written
                db.inTransaction(h -> h.execute("ANALYZE"));
                bytes = db.read(h -> h.createQuery("SELECT pg_database_size(current_database())")
                        .mapTo(Long.class)
                        .one());
            } else {
                bytes = -1;
            }
        }
        if (bytes < 0) {
            bytes = Files.size(data.resolve("certdesk.mv.db"));
        }
        return new Populated(ids, domains, bytes, der[0]);
    }

    private static PrivateChain chain(Account a, IssuedChain issued, String keyId, ChainPurpose purpose, Instant at) {
        CertificateInfo info = CertificateInfo.of(issued.chain().get(0));
        return new PrivateChain(
                UUID.randomUUID().toString(),
                a.id(),
                ChainOrigin.GENERATED,
                EnumSet.of(purpose),
                info.subject(),
                purpose == ChainPurpose.TLS_SERVER ? List.of(a.domains().get(0)) : List.of(),
                info.notBefore(),
                info.notAfter(),
                info.keyAlgorithm(),
                info.keySize(),
                info.sha256(),
                keyId,
                at);
    }

    /** Whether a handshake for {@code domain} presents the account's chain (not the node's own). */
    private static boolean servesOwnChain(int port, String domain) {
        try {
            X509Certificate leaf = PresentedChain.of(port, domain)[0];
            return leaf.getSubjectAlternativeNames() != null
                    && leaf.getSubjectAlternativeNames().stream().anyMatch(n -> domain.equals(n.get(1)));
        } catch (Exception e) {
            return false;
        }
    }

    /** Heap in use after {@code jcmd GC.run}, from {@code GC.heap_info}. */
    private static long heapAfterGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap use in: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private interface Call {
        void run(int i) throws Exception;
    }

    /** p50 and p99 of {@code call}, after 50 untimed calls, one at a time. */
    private static String timed(Call call) throws Exception {
        for (int i = 0; i < 50; i++) {
            call.run(i);
        }
        long[] out = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long s = System.nanoTime();
            call.run(50 + i);
            out[i] = System.nanoTime() - s;
        }
        Arrays.sort(out);
        return String.format(
                Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", out[SAMPLES / 2] / 1e6, out[SAMPLES * 99 / 100] / 1e6);
    }

    private static void latencies(String label, NodeProcess node, int port, Populated populated, SecureRandom random)
            throws Exception {
        X509Certificate root;
        try (var in = Files.newInputStream(node.dataDir().resolve("platform-ca.pem"))) {
            root = (X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpClient http = BenchHttp.trusting(root);
        String base = "https://localhost:" + port + "/api/v1";
        String token = BenchHttp.signIn(http, base, PASSWORD);
        List<String> accounts = populated.accounts();
        int n = accounts.size();
        int[] pick = random.ints(SAMPLES + 50, 0, n).toArray();

        String chains =
                timed(i -> BenchHttp.get(http, base + "/accounts/" + accounts.get(pick[i]) + "/private-chains", token));
        String trusted =
                timed(i -> BenchHttp.get(http, base + "/accounts/" + accounts.get(pick[i]) + "/trusted-cas", token));
        String firstPage = timed(i -> BenchHttp.get(http, base + "/accounts?limit=100", token));
        String middle = accounts.get(n / 2);
        String middlePage = timed(i -> BenchHttp.get(http, base + "/accounts?limit=100&after=" + middle, token));

        // tokens: an API client in each of 50 accounts, each signing with its own chain
        List<String[]> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String account = accounts.get(pick[i]);
            String made = BenchHttp.send(
                    http, "POST", base + "/accounts/" + account + "/api-clients", "{\"name\":\"scale\"}", token);
            clients.add(new String[] {
                account,
                BenchHttp.match(Pattern.compile("\"clientId\"\\s*:\\s*\"([^\"]+)\""), made),
                BenchHttp.match(Pattern.compile("\"clientSecret\"\\s*:\\s*\"([^\"]+)\""), made)
            });
        }
        String tokens = timed(i -> {
            String[] c = clients.get(i % clients.size());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/accounts/" + c[0] + "/oauth2/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                                    + URLEncoder.encode(c[1], StandardCharsets.UTF_8) + "&client_secret="
                                    + URLEncoder.encode(c[2], StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
            }
        });

        // imports: a PKCS#12 (the JDK's) for a domain of a different account each time, its chain complete
        // to its own root
        CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC(), random);
        var ca = issuer.createPlatformCa("Import CA", KeyType.EC_P256, Duration.ofDays(3650));
        List<byte[]> files = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < SAMPLES + 50; i++) {
            int a = pick[(i + 7) % pick.length];
            String domain = populated.domains().get(a);
            IssuedChain chain = issuer.issueTlsServer(ca, domain, KeyType.EC_P256, Duration.ofDays(90));
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry( // leaf, issuing CA, root
                    "chain",
                    chain.privateKey(),
                    TlsEdgeSetup.PASSWORD,
                    chain.chain().toArray(new X509Certificate[0]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p12.store(out, TlsEdgeSetup.PASSWORD);
            files.add(out.toByteArray());
            targets.add(accounts.get(a));
        }
        String imports = timed(i -> {
            HttpResponse<String> r = http.send(
                    TlsEdgeSetup.upload(
                                    base + "/accounts/" + targets.get(i) + "/private-chains/import",
                                    "Bearer " + token,
                                    files.get(i))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("import: " + r.statusCode() + " " + r.body());
            }
        });
        System.out.printf(
                Locale.ROOT,
                "%s, one request at a time, a random account each: its chains %s; its trusted CAs %s; a token %s;"
                        + " a PKCS#12 import %s; the platform admin's account list, first page of 100 %s, a page of"
                        + " 100 half-way through %s%n",
                label,
                chains,
                trusted,
                tokens,
                imports,
                firstPage,
                middlePage);
    }
}
