package io.certdesk.bench;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.pki.tls.TrustingContext;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For the TLS edge benchmark: {@code generate DIR N} writes N names (h1.edge.bench …), each with
 * an EC P-256 and an RSA-2048 chain under one bench root, as PEM files for nginx and PKCS#12 for
 * Certdesk; {@code load DIR URL ADMIN_PASSWORD CA_PEM} gives each name its own account on a
 * running Certdesk and imports both chains. RSA keys come from a pool of 64 (generating 10,000
 * RSA keys would take minutes and change nothing in a handshake).
 */
public final class TlsEdgeSetup {
    static final char[] PASSWORD = "edge-bench".toCharArray();
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private TlsEdgeSetup() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("generate")) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]));
        } else if (args[0].equals("latency")) {
            latency(Path.of(args[1]), args[2], args[3], Path.of(args[4]));
        } else {
            load(Path.of(args[1]), args[2], args[3], Path.of(args[4]));
        }
    }

    static void generate(Path dir, int count) throws Exception {
        Path pem = Files.createDirectories(dir.resolve("pem"));
        Path p12 = Files.createDirectories(dir.resolve("p12"));
        Instant now = Instant.now();
        var root = TestCa.certificate("O=Certdesk bench,CN=Edge Bench Root")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(800)))
                .build();
        Files.writeString(dir.resolve("root.pem"), Pem.certificate(root.certificate()));
        List<KeyPair> rsaKeys = new ArrayList<>();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (int i = 0; i < 64; i++) {
            rsaKeys.add(rsa.generateKeyPair());
        }
        StringBuilder names = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            String name = "h" + i + ".edge.bench";
            names.append(name).append('\n');
            var ec = TestCa.certificate("CN=" + name)
                    .issuedBy(root)
                    .endEntity()
                    .dns(name)
                    .keyType(KeyType.EC_P256)
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            var rs = TestCa.certificate("CN=" + name)
                    .issuedBy(root)
                    .endEntity()
                    .dns(name)
                    .keyPair(rsaKeys.get(i % rsaKeys.size()))
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            for (var entry : List.of(new Object[] {"ec", ec}, new Object[] {"rsa", rs})) {
                TestCa.Issued issued = (TestCa.Issued) entry[1];
                String kind = (String) entry[0];
                Files.writeString(
                        pem.resolve(name + "." + kind + ".crt"),
                        Pem.certificate(issued.certificate()) + Pem.certificate(root.certificate()));
                Files.writeString(
                        pem.resolve(name + "." + kind + ".key"),
                        Pem.block("PRIVATE KEY", issued.key().getEncoded()));
                Files.write(
                        p12.resolve(name + "." + kind + ".p12"),
                        Pkcs12Files.jdk(
                                issued.key(), List.of(issued.certificate(), root.certificate()), PASSWORD, PASSWORD));
            }
        }
        Files.writeString(dir.resolve("names.txt"), names);
        var late = TestCa.certificate("CN=late.edge.bench")
                .issuedBy(root)
                .endEntity()
                .dns("late.edge.bench")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        Files.write(
                p12.resolve("late.edge.bench.ec.p12"),
                Pkcs12Files.jdk(late.key(), List.of(late.certificate(), root.certificate()), PASSWORD, PASSWORD));
        System.out.println("wrote " + count + " names with an EC and an RSA chain each to " + dir);
    }

    static void load(Path dir, String url, String adminPassword, Path caPem) throws Exception {
        load(dir, url, adminPassword, caPem, () -> {});
    }

    /** What the timed import phase of {@link #load} measured. */
    record Imports(int chains, int threads, double seconds, double p50Millis, double p99Millis) {
        double perSecond() {
            return chains / seconds;
        }
    }

    /** As above; {@code beforeImports} runs once the accounts are made, just before the timed imports. */
    static Imports load(Path dir, String url, String adminPassword, Path caPem, Runnable beforeImports)
            throws Exception {
        X509Certificate ca;
        try (var in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TrustingContext.trustingOnly(List.of(ca)))
                .build();
        String login = send(
                http,
                HttpRequest.newBuilder(URI.create(url + "/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"admin\",\"password\":\"" + adminPassword + "\"}")),
                200);
        Matcher token = TOKEN.matcher(login);
        token.find();
        String bearer = "Bearer " + token.group(1);
        List<String> names = Files.readAllLines(dir.resolve("names.txt")).stream()
                .filter(s -> !s.isBlank())
                .toList();
        int threads = Integer.getInteger("bench.threads", 8);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // the accounts and their domains first, untimed; then the imports alone, timed
            long started = System.nanoTime();
            Map<String, String> accounts = new ConcurrentHashMap<>();
            all(pool, names, name -> {
                Matcher id = ID.matcher(send(
                        http,
                        json(
                                url + "/api/v1/accounts",
                                bearer,
                                "{\"name\":\"" + name + "\",\"type\":\"VENDOR\"}",
                                "POST"),
                        201));
                id.find();
                String account = url + "/api/v1/accounts/" + id.group(1);
                send(http, json(account + "/domains", bearer, "{\"domains\":[\"" + name + "\"]}", "PUT"), 200);
                accounts.put(name, account);
            });
            System.out.printf(
                    "made %d accounts with a domain each in %.1f s%n",
                    names.size(), (System.nanoTime() - started) / 1e9);
            List<String[]> imports = new ArrayList<>();
            for (String name : names) {
                for (String kind : List.of("ec", "rsa")) {
                    imports.add(new String[] {name, kind});
                }
            }
            beforeImports.run();
            long[] latencies = new long[imports.size()];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            long importStarted = System.nanoTime();
            all(pool, imports, item -> {
                byte[] file = Files.readAllBytes(
                        dir.resolve(System.getProperty("bench.p12", "p12")).resolve(item[0] + "." + item[1] + ".p12"));
                long t0 = System.nanoTime();
                send(http, upload(accounts.get(item[0]) + "/private-chains/import", bearer, file), 201);
                latencies[next.getAndIncrement()] = System.nanoTime() - t0;
            });
            double seconds = (System.nanoTime() - importStarted) / 1e9;
            java.util.Arrays.sort(latencies);
            Imports run = new Imports(
                    imports.size(),
                    threads,
                    seconds,
                    latencies[latencies.length / 2] / 1e6,
                    latencies[(int) (latencies.length * 0.99)] / 1e6);
            System.out.printf(
                    "imported %d PKCS#12 chains (half EC P-256, half RSA-2048) with %d threads over kept-alive HTTPS in %.1f s: "
                            + "%.0f per second, p50 %.1f ms, p99 %.1f ms%n",
                    run.chains(), threads, seconds, run.perSecond(), run.p50Millis(), run.p99Millis());
            return run;
        } finally {
            pool.shutdownNow(); // a failed request ends the load instead of leaving its pool waiting
        }
    }

    /** Runs {@code task} for every item on the pool and waits for all; the first failure ends it. */
    private static <T> void all(ExecutorService pool, List<T> items, Task<T> task) throws Exception {
        List<Future<?>> work = new ArrayList<>();
        for (T item : items) {
            work.add(pool.submit(() -> {
                task.run(item);
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
    }

    private interface Task<T> {
        void run(T item) throws Exception;
    }

    /** Imports a chain for a new name and times its first handshake: from the request, and from the answer. */
    static void latency(Path dir, String url, String adminPassword, Path caPem) throws Exception {
        X509Certificate ca;
        try (var in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TrustingContext.trustingOnly(List.of(ca)))
                .build();
        Matcher token = TOKEN.matcher(send(
                http,
                HttpRequest.newBuilder(URI.create(url + "/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"admin\",\"password\":\"" + adminPassword + "\"}")),
                200));
        token.find();
        String bearer = "Bearer " + token.group(1);
        Matcher id = ID.matcher(send(
                http, json(url + "/api/v1/accounts", bearer, "{\"name\":\"late\",\"type\":\"VENDOR\"}", "POST"), 201));
        id.find();
        String account = url + "/api/v1/accounts/" + id.group(1);
        send(http, json(account + "/domains", bearer, "{\"domains\":[\"late.edge.bench\"]}", "PUT"), 200);
        int port = URI.create(url).getPort();
        long requested = System.nanoTime();
        send(
                http,
                upload(
                        account + "/private-chains/import",
                        bearer,
                        Files.readAllBytes(dir.resolve("p12").resolve("late.edge.bench.ec.p12"))),
                201);
        long answered = System.nanoTime();
        int handshakes = 0;
        while (!leafSubject(port, "late.edge.bench").equals("CN=late.edge.bench")) {
            handshakes++;
        }
        long served = System.nanoTime();
        System.out.printf(
                "import to first handshake with the new chain: %.1f ms from the request, %.1f ms after the answer (%d handshakes before)%n",
                (served - requested) / 1e6, (served - answered) / 1e6, handshakes);
    }

    private static String leafSubject(int port, String name) throws Exception {
        return PresentedChain.of(port, name)[0].getSubjectX500Principal().getName();
    }

    private static HttpRequest.Builder json(String url, String bearer, String body, String method) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpRequest.Builder upload(String url, String bearer, byte[] file) {
        String boundary = "bench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n"
                        + new String(PASSWORD) + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chain.p12\"\r\n"
                                + "Content-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", bearer)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    private static String send(HttpClient http, HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(
                    response.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
