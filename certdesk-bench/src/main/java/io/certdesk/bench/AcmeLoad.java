package io.certdesk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.tls.TrustingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load client for ACME servers and for Certdesk's device-CSR signing, to compare servers side
 * by side: CLIENTS threads, each with its own kept-alive HTTPS connection (HTTP/1.1), repeat one
 * issuance after another for WARMUP seconds and then SECONDS more, measured. Prints issuances per
 * second, the server's CPU time over the measured part (utime+stime of SERVER_PID from /proc), the
 * issuances per server CPU-second, latency percentiles and failures.
 *
 * <p>An ACME issuance is what a client such as certbot sends for one certificate with an account
 * it already has: newOrder; for an authorization still pending, its http-01 challenge answered and
 * the authorization polled until valid (servers run with validation that always passes: Pebble's
 * {@code PEBBLE_VA_ALWAYS_VALID}, Certdesk's prevalidated domains); finalize with a CSR; the order
 * polled while it is processing; the certificate downloaded. Nonces are taken from each answer.
 * Each client registers its account first, with the next line of EAB_FILE ({@code kid hmacKey})
 * when there is one.
 *
 * <p>Usage: {@code AcmeLoad acme DIRECTORY_URL TRUST_PEM EAB_FILE|- DOMAIN SECONDS WARMUP CLIENTS
 * SERVER_PID} or {@code AcmeLoad sign SIGN_FILE TRUST_PEM TOKEN - SECONDS WARMUP CLIENTS SERVER_PID}
 * (a line per account: its {@code …/certificates/sign} URL and one of its domains; clients take
 * the lines in turn, each posting one device's CSR again and again).
 */
public final class AcmeLoad {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private AcmeLoad() {}

    /** One issuance by one client; it throws unless the certificate came back. */
    interface Issuance {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<X509Certificate> trust = CertificateFiles.readCertificates(Files.readAllBytes(Path.of(args[2])));
        String domain = args[4];
        double seconds = Double.parseDouble(args[5]);
        double warmup = Double.parseDouble(args[6]);
        int clients = Integer.parseInt(args[7]);
        long pid = Long.parseLong(args[8]);
        Issuance[] issuances = new Issuance[clients];
        if (mode.equals("acme")) {
            List<String> eab = args[3].equals("-") ? List.of() : Files.readAllLines(Path.of(args[3]));
            for (int i = 0; i < clients; i++) {
                AcmeClient client = new AcmeClient(http(trust), args[1]);
                if (eab.isEmpty()) {
                    client.register(null, null);
                } else {
                    String[] kid = eab.get(i).trim().split("\\s+");
                    client.register(kid[0], kid[1]);
                }
                byte[] csr = Pkcs10.build(
                        KeyPairs.generate(KeyType.EC_P256, new SecureRandom()), KeyType.EC_P256, List.of(domain));
                issuances[i] = () -> client.issue(domain, csr);
            }
        } else if (mode.equals("sign")) {
            List<String> lines = Files.readAllLines(Path.of(args[1])).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
            String token = args[3];
            for (int i = 0; i < clients; i++) {
                HttpClient http = http(trust);
                String[] line = lines.get(i % lines.size()).trim().split("\\s+");
                String url = line[0];
                String csr = Pkcs10.writePem(Pkcs10.build(
                        KeyPairs.generate(KeyType.EC_P256, new SecureRandom()), KeyType.EC_P256, List.of(line[1])));
                issuances[i] = () -> {
                    HttpResponse<byte[]> r = http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", "Bearer " + token)
                                    .header("Content-Type", "application/pkcs10")
                                    .header("Accept", "application/pem-certificate-chain")
                                    .POST(HttpRequest.BodyPublishers.ofString(csr))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 201
                            || CertificateFiles.readCertificates(r.body()).isEmpty()) {
                        throw new IllegalStateException(r.statusCode() + " " + new String(r.body()));
                    }
                };
            }
        } else {
            throw new IllegalArgumentException("mode is acme or sign");
        }
        run(mode, issuances, warmup, seconds, pid);
    }

    static void run(String mode, Issuance[] issuances, double warmup, double seconds, long pid) throws Exception {
        long start = System.nanoTime();
        long measuredFrom = start + (long) (warmup * 1e9);
        long deadline = measuredFrom + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> firstFailure = java.util.Collections.synchronizedList(new ArrayList<>());
        long[][] latencies = new long[issuances.length][];
        int[] counts = new int[issuances.length];
        Thread[] threads = new Thread[issuances.length];
        for (int t = 0; t < issuances.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                long[] mine = new long[1 << 14];
                int n = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= deadline) {
                        break;
                    }
                    boolean measured = t0 >= measuredFrom;
                    try {
                        issuances[me].run();
                        if (measured) {
                            done.incrementAndGet();
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = System.nanoTime() - t0;
                        }
                    } catch (Exception e) {
                        if (measured) {
                            failed.incrementAndGet();
                        }
                        if (firstFailure.size() < 3) {
                            firstFailure.add(e.toString());
                        }
                    }
                }
                latencies[me] = mine;
                counts[me] = n;
            });
            threads[t].start();
        }
        while (System.nanoTime() < measuredFrom) {
            Thread.sleep(5);
        }
        long cpuBefore = cpuTicks(pid);
        long wallBefore = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        long cpuAfter = cpuTicks(pid);
        double wall = (System.nanoTime() - wallBefore) / 1e9;
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int t = 0; t < threads.length; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        double cpu = (cpuAfter - cpuBefore) / 100.0;
        System.out.printf(
                Locale.ROOT,
                "%s: %d issued in %.1f s = %.1f/s, server CPU %.1f s -> %.1f per server CPU-second,"
                        + " p50 %.1f ms, p99 %.1f ms, %d failed%s%n",
                mode,
                done.get(),
                wall,
                done.get() / wall,
                cpu,
                cpu == 0 ? 0 : done.get() / cpu,
                percentile(all, 0.50),
                percentile(all, 0.99),
                failed.get(),
                firstFailure.isEmpty() ? "" : " (first: " + firstFailure.get(0) + ")");
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    /** utime + stime of the process, in clock ticks (USER_HZ is 100 on Linux). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** An HTTP/1.1 client trusting only {@code trust}. */
    public static HttpClient http(List<X509Certificate> trust) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(TrustingContext.trustingOnly(trust))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** One ACME client: its account key, its account URL, the last nonce it was given. */
    public static final class AcmeClient {
        private final HttpClient http;
        private final ECKey key;
        private final JsonNode directory;
        private String kid;
        private String nonce;

        public AcmeClient(HttpClient http, String directoryUrl) throws Exception {
            this.http = http;
            this.key = new ECKeyGenerator(Curve.P_256).generate();
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(directoryUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
            this.directory = MAPPER.readTree(r.body());
        }

        /** Makes the ACME account, bound by the EAB credential when one is given. */
        public void register(String eabKid, String eabHmac) throws Exception {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("termsOfServiceAgreed", true);
            payload.put("contact", List.of("mailto:load@bench.test"));
            if (eabKid != null) {
                JWSObject eab = new JWSObject(
                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .keyID(eabKid)
                                .customParam("url", url("newAccount"))
                                .build(),
                        new Payload(key.toPublicJWK().toJSONString()));
                eab.sign(new MACSigner(Base64URL.from(eabHmac).decode()));
                payload.put("externalAccountBinding", MAPPER.readTree(flattened(eab)));
            }
            HttpResponse<byte[]> r = post(url("newAccount"), payload, true);
            expect(r, 201, 200);
            kid = r.headers().firstValue("Location").orElseThrow();
        }

        /** Orders, authorizes (http-01), finalizes and downloads a certificate for {@code domain}: its leaf. */
        public X509Certificate issue(String domain, byte[] csr) throws Exception {
            HttpResponse<byte[]> created = post(
                    url("newOrder"), Map.of("identifiers", List.of(Map.of("type", "dns", "value", domain))), false);
            expect(created, 201);
            String orderUrl = created.headers().firstValue("Location").orElseThrow();
            JsonNode order = MAPPER.readTree(created.body());
            if (order.path("status").asText().equals("pending")) {
                for (JsonNode authzUrl : order.path("authorizations")) {
                    authorize(authzUrl.asText());
                }
            }
            HttpResponse<byte[]> finalized =
                    post(order.path("finalize").asText(), Map.of("csr", B64.encodeToString(csr)), false);
            expect(finalized, 200);
            order = MAPPER.readTree(finalized.body());
            while (!order.path("status").asText().equals("valid")) {
                if (order.path("status").asText().equals("invalid")) {
                    throw new IllegalStateException("order invalid: " + order);
                }
                Thread.sleep(5);
                HttpResponse<byte[]> polled = post(orderUrl, null, false);
                expect(polled, 200);
                order = MAPPER.readTree(polled.body());
            }
            HttpResponse<byte[]> certificate = post(order.path("certificate").asText(), null, false);
            expect(certificate, 200);
            List<X509Certificate> chain = CertificateFiles.readCertificates(certificate.body());
            if (chain.isEmpty()) {
                throw new IllegalStateException("no certificate in the download");
            }
            return chain.get(0);
        }

        private void authorize(String authzUrl) throws Exception {
            HttpResponse<byte[]> r = post(authzUrl, null, false);
            expect(r, 200);
            JsonNode authz = MAPPER.readTree(r.body());
            if (authz.path("status").asText().equals("valid")) {
                return;
            }
            for (JsonNode challenge : authz.path("challenges")) {
                if (challenge.path("type").asText().equals("http-01")) {
                    expect(post(challenge.path("url").asText(), Map.of(), false), 200);
                }
            }
            for (int i = 0; i < 2000; i++) {
                Thread.sleep(5);
                r = post(authzUrl, null, false);
                expect(r, 200);
                String status = MAPPER.readTree(r.body()).path("status").asText();
                if (status.equals("valid")) {
                    return;
                }
                if (!status.equals("pending")) {
                    throw new IllegalStateException("authorization " + status);
                }
            }
            throw new IllegalStateException("authorization still pending");
        }

        private String url(String name) {
            return directory.path(name).asText();
        }

        /** A JWS POST (payload null: POST-as-GET), retried once on badNonce. */
        private HttpResponse<byte[]> post(String url, Object payload, boolean byJwk) throws Exception {
            for (int attempt = 0; ; attempt++) {
                if (nonce == null) {
                    HttpResponse<Void> head = http.send(
                            HttpRequest.newBuilder(URI.create(url("newNonce")))
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    nonce = head.headers().firstValue("Replay-Nonce").orElseThrow();
                }
                JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .customParam("url", url)
                        .customParam("nonce", nonce);
                if (byJwk) {
                    header.jwk(key.toPublicJWK());
                } else {
                    header.keyID(kid);
                }
                JWSObject jws = new JWSObject(
                        header.build(),
                        payload == null ? new Payload("") : new Payload(MAPPER.writeValueAsString(payload)));
                jws.sign(new ECDSASigner(key));
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/jose+json")
                                .POST(HttpRequest.BodyPublishers.ofString(flattened(jws)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                nonce = r.headers().firstValue("Replay-Nonce").orElse(null);
                if (r.statusCode() == 400
                        && new String(r.body(), StandardCharsets.UTF_8).contains("badNonce")
                        && attempt == 0) {
                    continue;
                }
                return r;
            }
        }

        private static String flattened(JWSObject jws) throws Exception {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("protected", jws.getHeader().toBase64URL().toString());
            body.put("payload", jws.getPayload().toBase64URL().toString());
            body.put("signature", jws.getSignature().toString());
            return MAPPER.writeValueAsString(body);
        }

        private static void expect(HttpResponse<byte[]> r, int... statuses) {
            for (int s : statuses) {
                if (r.statusCode() == s) {
                    return;
                }
            }
            throw new IllegalStateException(
                    r.statusCode() + " from " + r.uri() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
    }
}
